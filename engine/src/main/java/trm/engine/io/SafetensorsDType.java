package trm.engine.io;

import java.util.Optional;

import trm.engine.DType;

/**
 * Element types of the safetensors format, spelled as the format spells them. Every one can be
 * read and written as raw bytes; {@link TensorEntry#asFloats()} and {@link TensorEntry#asInts()}
 * convert the ones where a conversion is sensible.
 */
public enum SafetensorsDType {
    F64(8, Kind.FLOAT),
    F32(4, Kind.FLOAT),
    F16(2, Kind.FLOAT),
    BF16(2, Kind.FLOAT),
    I64(8, Kind.INT),
    I32(4, Kind.INT),
    I16(2, Kind.INT),
    I8(1, Kind.INT),
    U64(8, Kind.INT),
    U32(4, Kind.INT),
    U16(2, Kind.INT),
    U8(1, Kind.INT),
    BOOL(1, Kind.INT);

    enum Kind { FLOAT, INT }

    private final int bytes;
    private final Kind kind;

    SafetensorsDType(int bytes, Kind kind) {
        this.bytes = bytes;
        this.kind = kind;
    }

    /** Bytes per element. */
    public int bytes() { return bytes; }

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
