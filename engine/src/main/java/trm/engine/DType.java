package trm.engine;

/** Element types a tensor can hold. bf16 is stored as the upper 16 bits of an fp32. */
public enum DType {
    F32(4), BF16(2), I32(4);

    private final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    public int bytes() { return bytes; }
}
