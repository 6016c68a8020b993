package trm.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import trm.engine.TrmException;

class SafetensorsTest {

    @TempDir Path dir;

    private static final Map<String, String> META = Map.of("format", "pt", "step", "65104", "note", "é ✓");

    // ---------------------------------------------------------------- helpers

    /** A file as the spec lays it out: header length, the JSON (padded with spaces to 8 if asked), the data. */
    static byte[] craft(String json, byte[] data, boolean pad) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int n = pad ? (h.length + 7) & ~7 : h.length;
        ByteBuffer b = ByteBuffer.allocate(8 + n + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n).put(h);
        for (int i = h.length; i < n; i++) b.put((byte) ' ');
        return b.put(data).array();
    }

    static byte[] craft(String json, byte[] data) { return craft(json, data, true); }

    static byte[] withHeaderLength(byte[] file, long n) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
        return copy;
    }

    static long headerLength(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    static void assertBad(byte[] file, String... expectedFragments) {
        TrmException e = assertThrows(TrmException.class, () -> Safetensors.decode(file, "ckpt.safetensors"));
        String m = e.getMessage();
        assertTrue(m.startsWith("ckpt.safetensors: "), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String f : expectedFragments) assertTrue(m.contains(f), "expected '" + f + "' in: " + m);
    }

    static List<TensorEntry> sampleTensors() {
        return List.of(
                TensorEntry.f32("model.inner.lm_head.weight", new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                TensorEntry.bf16("model.inner.H_init", new float[] {0.5f, -1f, 2f, 0f}, 4),
                TensorEntry.i32("steps", new int[] {7, 8, 9}, 3));
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void everyDtypeRoundTripsBitExactly() throws IOException {
        Random r = new Random(1234);
        List<TensorEntry> tensors = new ArrayList<>();
        for (SafetensorsDType t : SafetensorsDType.values()) {
            String n = t.name().toLowerCase();
            if (t.bits() % 8 != 0) { // packed F4 / F6: 8 elements fill whole bytes
                tensors.add(new TensorEntry(n + ".packed", t, new int[] {4, 2}, randomBytes(r, t.bits())));
                tensors.add(new TensorEntry(n + ".empty", t, new int[] {0, 4}, new byte[0]));
                continue;
            }
            tensors.add(new TensorEntry(n + ".matrix", t, new int[] {3, 5}, randomBytes(r, 15 * t.bytes())));
            tensors.add(new TensorEntry(n + ".scalar", t, new int[] {}, randomBytes(r, t.bytes())));
            tensors.add(new TensorEntry(n + ".empty", t, new int[] {0, 4}, new byte[0]));
            tensors.add(new TensorEntry(n + ".cube", t, new int[] {2, 1, 3}, randomBytes(r, 6 * t.bytes())));
        }
        Path f = dir.resolve("all.safetensors");
        Safetensors.write(f, META, tensors);
        SafetensorsFile back = Safetensors.read(f);
        assertEquals(META, back.metadata());
        assertEquals(tensors.size(), back.tensors().size());
        for (TensorEntry t : tensors) assertEquals(t, back.tensors().get(t.name()), t.name());
        assertEquals(f.toString(), back.source());
    }

    @Test
    void floatsAndIntsRoundTripThroughTheConvenienceConstructors() {
        Random r = new Random(99);
        int n = 257;
        float[] f32 = new float[n];
        float[] bf = new float[n];
        float[] f16 = new float[n];
        int[] ints = new int[n];
        for (int i = 0; i < n; i++) {
            f32[i] = Float.intBitsToFloat(r.nextInt());          // any bit pattern, NaN payloads included
            bf[i] = Float.intBitsToFloat(r.nextInt() & 0xFFFF0000); // exactly representable in bf16
            f16[i] = Float.float16ToFloat((short) r.nextInt());  // exactly representable in fp16
            ints[i] = r.nextInt();
        }
        f32[0] = -0f;
        List<TensorEntry> in = List.of(TensorEntry.f32("a", f32, n), TensorEntry.bf16("b", bf, n),
                TensorEntry.fromFloats("c", SafetensorsDType.F16, f16, n), TensorEntry.i32("d", ints, 1, n));
        SafetensorsFile back = Safetensors.decode(Safetensors.encode(Map.of(), in), "mem");
        assertBitsEqual(f32, back.require("a").asFloats());
        assertBitsEqual(bf, back.require("b").asFloats());
        float[] f16Back = back.require("c").asFloats();
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(f16[i])) assertTrue(Float.isNaN(f16Back[i]));
            else assertEquals(Float.floatToRawIntBits(f16[i]), Float.floatToRawIntBits(f16Back[i]));
        }
        assertArrayEquals(ints, back.require("d").asInts());
        assertArrayEquals(new int[] {1, n}, back.require("d").shape());
        assertTrue(back.metadata().isEmpty());
    }

    static void assertBitsEqual(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "index " + i);
        }
    }

    // ---------------------------------------------------------------- determinism and layout

    @Test
    void sameInputGivesTheSameBytesWhateverTheOrder() throws IOException {
        List<TensorEntry> t = sampleTensors();
        List<TensorEntry> reversed = new ArrayList<>(t);
        Collections.reverse(reversed);
        byte[] a = Safetensors.encode(META, t);
        byte[] b = Safetensors.encode(new TreeMap<>(META).descendingMap(), reversed);
        assertArrayEquals(a, b);

        Path f1 = dir.resolve("one.safetensors");
        Path f2 = dir.resolve("two.safetensors");
        Safetensors.write(f1, META, t);
        Safetensors.write(f2, META, reversed);
        assertArrayEquals(a, Files.readAllBytes(f1));
        assertArrayEquals(a, Files.readAllBytes(f2));
        Safetensors.write(f1, META, t);
        assertArrayEquals(a, Files.readAllBytes(f1));
    }

    @Test
    void headerIsPaddedAndTensorsAreAlignedAndContiguous() throws IOException {
        byte[] file = Safetensors.encode(META, sampleTensors());
        long n = headerLength(file);
        assertEquals(0, n % 8);
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{"), header);
        JsonNode root = new ObjectMapper().readTree(header);
        String json = header.stripTrailing();
        assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padded with spaces");
        assertTrue(json.length() > header.length() - 8);
        // Larger elements first, then by name: lm_head (F32), steps (I32), H_init (BF16).
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("__metadata__", "model.inner.lm_head.weight", "steps", "model.inner.H_init"), keys);
        long expectBegin = 0;
        for (String k : keys.subList(1, keys.size())) {
            JsonNode o = root.get(k).get("data_offsets");
            assertEquals(expectBegin, o.get(0).asLong());
            int size = SafetensorsDType.valueOf(root.get(k).get("dtype").asText()).bytes();
            assertEquals(0, (8 + n + expectBegin) % size, "aligned " + k);
            expectBegin = o.get(1).asLong();
        }
        assertEquals(file.length, 8 + n + expectBegin);
        // The reader keeps the file's order.
        assertEquals(keys.subList(1, keys.size()),
                List.copyOf(Safetensors.decode(file, "x").tensors().sequencedKeySet()));
        // No metadata: no __metadata__ entry at all.
        String bare = new String(Safetensors.encode(Map.of(), sampleTensors()), StandardCharsets.UTF_8);
        assertFalse(bare.contains("__metadata__"));
    }

    // ---------------------------------------------------------------- interoperability

    @Test
    void readsAHandBuiltFileLaidOutAsTheSpecSays() {
        // What Python's safetensors writes for
        //   {"a": float32 [[1, -2]], "flag": bool [True, False, True], "idx": int64 [3, -1], "b": bfloat16 [1.5]}
        // with metadata {"format": "pt"}: header keys need not follow the data order, and the
        // data is packed by the offsets.
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[24,26]},"
                + "\"flag\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[26,29]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[16,24]},"
                + "\"idx\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        byte[] data = HexFormat.of().parseHex(
                "0300000000000000" + "ffffffffffffffff"   // idx: 3, -1
                + "0000803f" + "000000c0"                 // a: 1.0f, -2.0f
                + "c03f"                                  // b: bf16 1.5
                + "010001");                              // flag: true, false, true
        for (boolean pad : new boolean[] {true, false}) {
            SafetensorsFile f = Safetensors.decode(craft(json, data, pad), "hand.safetensors");
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(List.of("idx", "a", "b", "flag"), List.copyOf(f.tensors().sequencedKeySet()));
            assertArrayEquals(new long[] {3, -1}, f.require("idx").asLongs());
            assertArrayEquals(new int[] {3, -1}, f.require("idx").asInts());
            assertArrayEquals(new float[] {1f, -2f}, f.require("a").asFloats());
            assertArrayEquals(new int[] {1, 2}, f.require("a").shape());
            assertArrayEquals(new float[] {1.5f}, f.require("b").asFloats());
            assertArrayEquals(new int[] {1, 0, 1}, f.require("flag").asInts());
            assertEquals(SafetensorsDType.BOOL, f.require("flag").dtype());
        }
    }

    @Test
    void acceptsAnEmptyFileAndWhitespaceInTheHeader() {
        SafetensorsFile f = Safetensors.decode(craft("{}", new byte[0]), "e");
        assertTrue(f.tensors().isEmpty() && f.metadata().isEmpty());
        SafetensorsFile g = Safetensors.decode(craft("{\n  \"x\" : { \"data_offsets\" : [0, 4], \"dtype\" : \"I32\","
                + " \"shape\" : [ ] }\n}\n", new byte[] {5, 0, 0, 0}), "ws");
        assertArrayEquals(new int[] {5}, g.require("x").asInts());
        assertEquals(0, g.require("x").shape().length);
    }

    @Test
    void findsNamesWithOrWithoutTheCompilePrefix() {
        byte[] file = Safetensors.encode(Map.of(), List.of(
                TensorEntry.f32("_orig_mod.model.inner.H_init", new float[] {1}, 1),
                TensorEntry.f32("model.inner.L_init", new float[] {2}, 1)));
        SafetensorsFile f = Safetensors.decode(file, "c.safetensors");
        assertEquals(1f, f.require("model.inner.H_init").asFloats()[0]);
        assertEquals(1f, f.require("_orig_mod.model.inner.H_init").asFloats()[0]);
        assertEquals(2f, f.require("_orig_mod.model.inner.L_init").asFloats()[0]);
        assertTrue(f.find("model.inner.q_head.bias").isEmpty());
        TrmException e = assertThrows(TrmException.class, () -> f.require("model.inner.q_head.bias"));
        assertEquals("c.safetensors: no tensor model.inner.q_head.bias (also tried _orig_mod.model.inner.q_head.bias)",
                e.getMessage());
    }

    // ---------------------------------------------------------------- corruption

    @Test
    void missingFileAndFolderAreReported() throws IOException {
        Path missing = dir.resolve("nope.safetensors");
        TrmException e = assertThrows(TrmException.class, () -> Safetensors.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
        e = assertThrows(TrmException.class, () -> Safetensors.read(dir));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
    }

    @Test
    void everyTruncationIsReportedForWhatItCuts() throws IOException {
        byte[] file = Safetensors.encode(META, sampleTensors());
        long n = headerLength(file);
        for (int cut = 0; cut < file.length; cut++) {
            byte[] part = Arrays.copyOf(file, cut);
            if (cut < 8) assertBad(part, "file is " + cut + " bytes, shorter than the 8-byte header length");
            else if (cut < 8 + n) assertBad(part, "header length " + n + " runs past the end of the file");
            else assertBad(part, "file is truncated", "only " + (cut - 8 - n) + " data bytes follow");
        }
        // The same through real files, at a few points.
        for (int cut : new int[] {0, 5, 8, (int) n, (int) n + 8, file.length - 1}) {
            Path f = dir.resolve("cut" + cut + ".safetensors");
            Files.write(f, Arrays.copyOf(file, cut));
            TrmException e = assertThrows(TrmException.class, () -> Safetensors.read(f));
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        }
    }

    @Test
    void trailingGarbageIsReported() {
        byte[] file = Safetensors.encode(META, sampleTensors());
        byte[] longer = Arrays.copyOf(file, file.length + 3);
        assertBad(longer, "3 bytes of trailing garbage after the last tensor");
        assertBad(craft("{}", new byte[] {1}), "1 bytes of trailing garbage");
    }

    @Test
    void headerLengthOutOfBoundsIsReported() {
        byte[] file = Safetensors.encode(META, sampleTensors());
        assertBad(withHeaderLength(file, Safetensors.MAX_HEADER_BYTES + 1), "header length 100000001 is over the limit");
        assertBad(withHeaderLength(file, -1), "header length 18446744073709551615 is over the limit");
        assertBad(withHeaderLength(file, file.length), "runs past the end of the file (" + file.length + " bytes)");
    }

    @Test
    void badHeadersAreReported() {
        byte[] none = new byte[0];
        assertBad(craft("{\"a\":", none), "header is not valid JSON");
        assertBad(craft("{\"a\":1,}", none), "header is not valid JSON");
        assertBad(craft("{} {}", none), "header is not valid JSON");
        assertBad(craft("{\"a\":{},\"a\":{}}", none), "header is not valid JSON", "uplicate");
        assertBad(craft("[1, 2]", none), "header is not a JSON object");
        assertBad(craft("\"text\"", none), "header is not a JSON object");
        assertBad(craft("        ", none), "header is empty");
        byte[] badUtf8 = craft("{\"__metadata__\":{\"k\":\"v?\"}}", none);
        badUtf8[8 + "{\"__metadata__\":{\"k\":\"v".length()] = (byte) 0xC3;
        assertBad(badUtf8, "header is not valid UTF-8");
        assertBad(craft("{\"__metadata__\":{\"k\":1}}", none), "__metadata__ value of k is not a string");
        assertBad(craft("{\"__metadata__\":[]}", none), "__metadata__ is not a JSON object");
    }

    /** What the format's reference library (the Rust crate, used by Python) reads, we read; what it refuses, we refuse. */
    @Test
    void headersTheReferenceLibraryAcceptsAreRead() {
        byte[] d8 = new byte[8];
        // __metadata__ is an Option there: null means none
        SafetensorsFile nullMeta = Safetensors.decode(craft("{\"__metadata__\":null,\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", d8), "m");
        assertTrue(nullMeta.metadata().isEmpty());
        assertEquals(1, nullMeta.tensors().size());
        // every dtype it knows, FP8 / FP6 / FP4 / C64 included (kept as raw bytes)
        for (String dt : new String[] {"F8_E4M3", "F8_E5M2", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ"})
            assertEquals(dt, Safetensors.decode(craft("{\"w\":{\"dtype\":\"" + dt + "\",\"shape\":[8],\"data_offsets\":[0,8]}}", d8), "m")
                    .tensors().get("w").dtype().name());
        assertEquals(SafetensorsDType.C64, Safetensors.decode(craft("{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", d8), "m")
                .tensors().get("w").dtype());
        assertEquals(SafetensorsDType.F4, Safetensors.decode(craft("{\"w\":{\"dtype\":\"F4\",\"shape\":[16],\"data_offsets\":[0,8]}}", d8), "m")
                .tensors().get("w").dtype());
        assertEquals(SafetensorsDType.F6_E2M3, Safetensors.decode(craft("{\"w\":{\"dtype\":\"F6_E2M3\",\"shape\":[8],\"data_offsets\":[0,6]}}", new byte[6]), "m")
                .tensors().get("w").dtype());
        // its TensorInfo ignores unknown keys; serde_json allows whitespace before the object
        assertEquals(1, Safetensors.decode(craft("  {\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"note\":\"x\"}}", d8), "m").tensors().size());
        // an empty header object with no data
        assertEquals(0, Safetensors.decode(craft("{}", new byte[0]), "m").tensors().size());
        // and what it refuses stays refused: packed bits not filling whole bytes, non-string metadata
        assertBad(craft("{\"w\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", new byte[2]), "not a whole number of bytes");
        assertBad(craft("{\"__metadata__\":{\"k\":{\"nested\":\"v\"}}}", new byte[0]), "__metadata__ value of k is not a string");
        TensorEntry f8 = Safetensors.decode(craft("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}", d8), "m").tensors().get("w");
        TrmException e = assertThrows(TrmException.class, f8::asFloats);
        assertTrue(e.getMessage().contains("F8_E4M3"), e.getMessage());
    }

    @Test
    void badEntriesAreReported() {
        byte[] d8 = new byte[8];
        assertBad(craft("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", d8), "tensor w has no dtype");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", d8), "tensor w has no shape");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", d8), "tensor w has no data_offsets");
        assertBad(craft("{\"w\":{\"dtype\":\"F12\",\"shape\":[8],\"data_offsets\":[0,8]}}", d8),
                "tensor w has unknown dtype \"F12\"");
        assertBad(craft("{\"w\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", d8), "unknown dtype \"f32\"");
        assertBad(craft("{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", d8), "dtype is not a string");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", d8),
                "tensor w has a negative dimension in shape [-2]");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", d8), "non-integer");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", d8), "shape is not an array");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,8]}}", d8), "too large");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", d8),
                "is not a [begin, end] pair");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", d8), "non-negative");
        assertBad(craft("{\"w\":[1,2]}", d8), "tensor w is not described by a JSON object");
    }

    @Test
    void badOffsetsAreReported() {
        String f32x2 = "\"dtype\":\"F32\",\"shape\":[2],";
        assertBad(craft("{\"w\":{" + f32x2 + "\"data_offsets\":[8,0]}}", new byte[8]),
                "tensor w: data_offsets [8,0] are out of order (begin after end)");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]),
                "data_offsets [0,8] span 8 bytes but shape [3] of F32 needs 12");
        assertBad(craft("{\"a\":{" + f32x2 + "\"data_offsets\":[0,8]},\"b\":{" + f32x2 + "\"data_offsets\":[4,12]}}",
                new byte[12]), "tensors a and b overlap");
        assertBad(craft("{\"a\":{" + f32x2 + "\"data_offsets\":[0,8]},\"b\":{" + f32x2 + "\"data_offsets\":[0,8]}}",
                new byte[8]), "overlap");
        assertBad(craft("{\"a\":{" + f32x2 + "\"data_offsets\":[0,8]},\"b\":{" + f32x2 + "\"data_offsets\":[12,20]}}",
                new byte[20]), "gap of 4 unused data bytes before tensor b");
        assertBad(craft("{\"a\":{" + f32x2 + "\"data_offsets\":[4,12]}}", new byte[12]), "gap of 4");
        assertBad(craft("{\"w\":{" + f32x2 + "\"data_offsets\":[0,8]}}", new byte[4]),
                "file is truncated: tensor w ends at data byte 8 but only 4 data bytes follow the header");
        assertBad(craft("{\"w\":{" + f32x2 + "\"data_offsets\":[1000000000000,1000000000008]}}", new byte[8]), "gap");
    }

    @Test
    void flippedHeaderBytesGiveTrmExceptionsOrAValidReading() {
        byte[] file = Safetensors.encode(Map.of("k", "v"), sampleTensors());
        int n = (int) headerLength(file);
        Random r = new Random(7);
        int rejected = 0;
        for (int pos = 0; pos < 8 + n; pos++) {
            for (int k = 0; k < 3; k++) {
                byte[] bad = file.clone();
                bad[pos] ^= (byte) (1 << r.nextInt(8));
                try {
                    Safetensors.decode(bad, "flip");
                } catch (TrmException expected) {
                    rejected++;
                } catch (RuntimeException other) {
                    fail("byte " + pos + ": " + other);
                }
            }
        }
        assertTrue(rejected > (8 + n) * 3 / 2, "most flips are caught: " + rejected);
    }

    // ---------------------------------------------------------------- atomic writes

    @Test
    void anInterruptedWriteLeavesThePreviousFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Safetensors.write(f, META, sampleTensors());
        byte[] before = Files.readAllBytes(f);
        List<TensorEntry> next = List.of(TensorEntry.f32("x", new float[1 << 16], 1 << 16), TensorEntry.i32("y", new int[] {1}, 1));

        TrmException e = assertThrows(TrmException.class, () -> Safetensors.write(f, Map.of(), next, (i, t) -> {
            if (i == 0) throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().startsWith("cannot write " + f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of("model.safetensors"), names(dir));

        // Not only I/O errors: any failure mid-write keeps the old file.
        assertThrows(IllegalStateException.class, () -> Safetensors.write(f, Map.of(), next, (i, t) -> {
            throw new IllegalStateException("bug");
        }));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of("model.safetensors"), names(dir));
    }

    @Test
    void invalidInputToTheWriterIsRefusedBeforeTouchingTheFile() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, META, sampleTensors());
        byte[] before = Files.readAllBytes(f);
        TensorEntry a = TensorEntry.f32("a", new float[] {1}, 1);
        assertTrue(assertThrows(TrmException.class, () -> Safetensors.write(f, META, List.of(a, a)))
                .getMessage().contains("duplicate tensor name a"));
        assertThrows(TrmException.class, () -> Safetensors.write(f, META, List.of(a.withName("__metadata__"))));
        HashMap<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertThrows(TrmException.class, () -> Safetensors.write(f, nullValue, List.of(a)));
        // An entry whose bytes do not match its shape cannot even be made.
        assertThrows(TrmException.class, () -> new TensorEntry("bad", SafetensorsDType.F32, new int[] {3}, new byte[8]));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of("m.safetensors"), names(dir));
    }
}
