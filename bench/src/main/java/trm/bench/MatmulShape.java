package trm.bench;

/**
 * One linear-layer product to benchmark, written {@code op:M:K:N} with the layer's names: in
 * [M, K], weight [N, K], out [M, N]. op is {@code fwd} (out = in·wᵀ), {@code bwdIn} (dIn = dOut·w)
 * or {@code bwdW} (dW += dOutᵀ·in). Every op costs 2·M·N·K floating-point operations.
 */
public record MatmulShape(String op, int m, int k, int n) {
    /** TRM's: M = 64 sequences · 97 positions; the 512→3072 and 1536→512 layers, all three products. */
    public static final String[] TRM = {
        "fwd:6208:512:3072", "fwd:6208:1536:512",
        "bwdIn:6208:512:3072", "bwdIn:6208:1536:512",
        "bwdW:6208:512:3072", "bwdW:6208:1536:512",
    };

    public MatmulShape {
        if (!op.equals("fwd") && !op.equals("bwdIn") && !op.equals("bwdW"))
            throw new IllegalArgumentException("op must be fwd, bwdIn or bwdW: " + op);
        if (m <= 0 || k <= 0 || n <= 0) throw new IllegalArgumentException("sizes must be positive");
    }

    public static MatmulShape parse(String s) {
        String[] p = s.split(":");
        if (p.length != 4) throw new IllegalArgumentException("shape is op:M:K:N, got " + s);
        return new MatmulShape(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
    }

    public double flops() {
        return 2.0 * m * n * k;
    }

    /** Sizes of the two operands and the output, in floats, in the order the op takes them. */
    public long[] sizes() {
        long mk = (long) m * k, nk = (long) n * k, mn = (long) m * n;
        return switch (op) {
            case "fwd" -> new long[] {mk, nk, mn};   // in, w -> out
            case "bwdIn" -> new long[] {mn, nk, mk}; // dOut, w -> dIn
            default -> new long[] {mn, mk, nk};      // dOut, in -> dW
        };
    }

    @Override
    public String toString() {
        return op + ":" + m + ":" + k + ":" + n;
    }
}
