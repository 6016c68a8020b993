package trm.engine.io;

import java.util.Optional;

import trm.engine.DType;

/**
 * Element types of the safetensors format, spelled as the format spells them. Every one can be
 * read and written as raw bytes; {@link TensorEntry#asFloats()} and {@link TensorEntry#asInts()}
 * convert the ones where a conversion is sensible.
 */
public enum SafetensorsDType {
    F64(64, Kind.FLOAT),
    F32(32, Kind.FLOAT),
    F16(16, Kind.FLOAT),
    BF16(16, Kind.FLOAT),
    I64(64, Kind.INT),
    I32(32, Kind.INT),
    I16(16, Kind.INT),
    I8(8, Kind.INT),
    U64(64, Kind.INT),
    U32(32, Kind.INT),
    U16(16, Kind.INT),
    U8(8, Kind.INT),
    BOOL(8, Kind.INT),
    // Types the format's reference library (the Rust crate) also reads: kept as raw bytes, never converted here.
    C64(64, Kind.RAW),
    F8_E5M2(8, Kind.RAW),
    F8_E4M3(8, Kind.RAW),
    F8_E8M0(8, Kind.RAW),
    F8_E4M3FNUZ(8, Kind.RAW),
    F8_E5M2FNUZ(8, Kind.RAW),
    F6_E2M3(6, Kind.RAW),
    F6_E3M2(6, Kind.RAW),
    F4(4, Kind.RAW);

    enum Kind { FLOAT, INT, RAW }

    private final int bits;
    private final Kind kind;

    SafetensorsDType(int bits, Kind kind) {
        this.bits = bits;
        this.kind = kind;
    }

    /** Bits per element (4 and 6 for the packed F4 / F6 types). */
    public int bits() { return bits; }

    /** Bytes per element, rounded up (1 for the packed F4 / F6 types): the alignment the writer orders by. */
    public int bytes() { return (bits + 7) / 8; }

    /** True for F64, F32, F16 and BF16. */
    public boolean isFloating() { return kind == Kind.FLOAT; }

    /** The format's spelling of this type, e.g. {@code "BF16"}. */
    public String formatName() { return name(); }

    /** The type the format spells {@code name} (case-sensitive, as the format is), if any. */
    public static Optional<SafetensorsDType> fromFormatName(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) return Optional.of(t);
        }
        return Optional.empty();
    }

    /** The safetensors type of an engine type. */
    public static SafetensorsDType of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case BF16 -> BF16;
            case I32 -> I32;
        };
    }

    /** The engine type of this type, if the engine has one (F32, BF16, I32). */
    public Optional<DType> engineType() {
        return switch (this) {
            case F32 -> Optional.of(DType.F32);
            case BF16 -> Optional.of(DType.BF16);
            case I32 -> Optional.of(DType.I32);
            default -> Optional.empty();
        };
    }
}
