package trm.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

import trm.engine.DType;
import trm.engine.TrmException;

class TensorEntryTest {

    @Test
    void f32AndI32KeepTheirValuesLittleEndian() {
        TensorEntry f = TensorEntry.f32("w", new float[] {1f, -2.5f, 3f, Float.NaN, 0f, -0f}, 2, 3);
        assertEquals(6, f.numel());
        assertEquals(24, f.data().length);
        assertEquals(1f, ByteBuffer.wrap(f.data()).order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
        assertArrayEquals(new float[] {1f, -2.5f, 3f, Float.NaN, 0f, -0f}, f.asFloats());

        TensorEntry i = TensorEntry.i32("ids", new int[] {1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}, 4);
        assertEquals(0x01, i.data()[0]);
        assertArrayEquals(new int[] {1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}, i.asInts());
        assertArrayEquals(new long[] {1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}, i.asLongs());
    }

    @Test
    void bf16RoundsToNearestEvenAndWidensExactly() {
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties to even gives 1.
        float half = Float.intBitsToFloat(0x3F808000);
        // Just above halfway rounds up.
        float above = Float.intBitsToFloat(0x3F808001);
        // 1 + 3*2^-8 is halfway between odd 1+2^-7 and even 1+2^-6: rounds up to even.
        float halfOdd = Float.intBitsToFloat(0x3F818000);
        TensorEntry t = TensorEntry.bf16("b", new float[] {1f, half, above, halfOdd, Float.POSITIVE_INFINITY,
                Float.NaN, -3.140625f, Float.MAX_VALUE}, 8);
        float[] back = t.asFloats();
        assertEquals(1f, back[0]);
        assertEquals(1f, back[1]);
        assertEquals(Float.intBitsToFloat(0x3F810000), back[2]);
        assertEquals(Float.intBitsToFloat(0x3F820000), back[3]);
        assertEquals(Float.POSITIVE_INFINITY, back[4]);
        assertTrue(Float.isNaN(back[5]));
        assertEquals(-3.140625f, back[6]); // exactly representable in bf16
        assertEquals(Float.POSITIVE_INFINITY, back[7]); // rounds past the largest bf16
        assertEquals(16, t.data().length);
        assertEquals(DType.BF16.bytes(), SafetensorsDType.BF16.bytes());
    }

    @Test
    void f16AndF64Convert() {
        TensorEntry h = TensorEntry.fromFloats("h", SafetensorsDType.F16, new float[] {0.5f, -65504f, 1e-8f}, 3);
        assertArrayEquals(new float[] {0.5f, -65504f, Float.float16ToFloat(Float.floatToFloat16(1e-8f))}, h.asFloats());
        TensorEntry d = TensorEntry.fromFloats("d", SafetensorsDType.F64, new float[] {0.1f, 7f}, 2, 1);
        assertEquals(0.1f, d.asFloats()[0]);
        assertEquals(16, d.data().length);
    }

    @Test
    void integerKindsConvert() {
        byte[] raw = {(byte) 0xFF, 0x01, 0x00, (byte) 0x80};
        assertArrayEquals(new int[] {255, 1, 0, 128}, new TensorEntry("u", SafetensorsDType.U8, new int[] {4}, raw).asInts());
        assertArrayEquals(new int[] {-1, 1, 0, -128}, new TensorEntry("i", SafetensorsDType.I8, new int[] {4}, raw).asInts());
        assertArrayEquals(new int[] {1, 1, 0, 1}, new TensorEntry("m", SafetensorsDType.BOOL, new int[] {2, 2}, raw).asInts());
        assertArrayEquals(new int[] {0x01FF, 0x8000 - 0x10000},
                new TensorEntry("s", SafetensorsDType.I16, new int[] {2}, raw).asInts());
        assertArrayEquals(new int[] {0x01FF, 0x8000}, new TensorEntry("s", SafetensorsDType.U16, new int[] {2}, raw).asInts());
        assertArrayEquals(new long[] {0x800001FFL}, new TensorEntry("s", SafetensorsDType.U32, new int[] {1}, raw).asLongs());

        byte[] big = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5).putLong(1L << 40).array();
        TensorEntry l = new TensorEntry("l", SafetensorsDType.I64, new int[] {2}, big);
        assertArrayEquals(new long[] {5, 1L << 40}, l.asLongs());
        TrmException e = assertThrows(TrmException.class, l::asInts);
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        TensorEntry u = new TensorEntry("u64", SafetensorsDType.U64, new int[] {1},
                ByteBuffer.allocate(8).putLong(-1).array());
        assertThrows(TrmException.class, u::asLongs);
    }

    @Test
    void wrongKindOfConversionIsRefused() {
        TensorEntry i = TensorEntry.i32("ids", new int[] {1}, 1);
        assertTrue(assertThrows(TrmException.class, i::asFloats).getMessage().contains("not a floating type"));
        TensorEntry f = TensorEntry.f32("w", new float[] {1}, 1);
        assertTrue(assertThrows(TrmException.class, f::asInts).getMessage().contains("not an integer type"));
        assertThrows(TrmException.class, () -> TensorEntry.fromFloats("x", SafetensorsDType.I32, new float[] {1}, 1));
        assertThrows(TrmException.class, () -> TensorEntry.of("x", DType.I32, new float[] {1}, 1));
        assertEquals(SafetensorsDType.BF16, TensorEntry.of("x", DType.BF16, new float[] {1}, 1).dtype());
    }

    @Test
    void constructorChecksShapeAgainstData() {
        TrmException e = assertThrows(TrmException.class,
                () -> new TensorEntry("w", SafetensorsDType.F32, new int[] {2, 3}, new byte[20]));
        assertTrue(e.getMessage().contains("w") && e.getMessage().contains("24"), e.getMessage());
        assertThrows(TrmException.class, () -> new TensorEntry("w", SafetensorsDType.F32, new int[] {-1}, new byte[0]));
        assertThrows(TrmException.class, () -> new TensorEntry("", SafetensorsDType.F32, new int[] {0}, new byte[0]));
        assertThrows(TrmException.class, () -> TensorEntry.f32("w", new float[5], 2, 3));
        assertThrows(TrmException.class, () -> new TensorEntry("w", SafetensorsDType.F32,
                new int[] {1 << 20, 1 << 20}, new byte[0]));
        // A scalar has shape [] and one element; an empty tensor has a zero dimension.
        assertEquals(1, TensorEntry.f32("s", new float[] {2f}).numel());
        assertEquals(0, TensorEntry.f32("z", new float[0], 0, 7).numel());
    }

    @Test
    void valueSemanticsAndDefensiveShape() {
        int[] shape = {2};
        TensorEntry a = TensorEntry.f32("a", new float[] {1, 2}, shape);
        shape[0] = 99;
        assertArrayEquals(new int[] {2}, a.shape());
        a.shape()[0] = 42;
        assertArrayEquals(new int[] {2}, a.shape());
        assertEquals(a, TensorEntry.f32("a", new float[] {1, 2}, 2));
        assertEquals(a.hashCode(), TensorEntry.f32("a", new float[] {1, 2}, 2).hashCode());
        assertNotEquals(a, TensorEntry.f32("a", new float[] {1, 3}, 2));
        assertNotEquals(a, a.withName("b"));
        assertTrue(a.toString().contains("[2]"));
    }
}
