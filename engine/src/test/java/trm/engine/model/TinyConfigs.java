package trm.engine.model;

/** Small configurations that exercise every code path in milliseconds. */
public final class TinyConfigs {
    private TinyConfigs() {}

    /** D 16, 2 heads, 2 layers, seq 6 + prefix 2 (ndim 20 &lt; 2·16, so the row is zero-padded), vocab 5, 3 puzzle ids. */
    public static TrmConfig tiny(boolean mlpT, String pos, int hCycles, int lCycles) {
        return new TrmConfig(16, 2, 2, 2, hCycles, lCycles, mlpT, pos, 20, 2, 4, 0.1, true, 1e-5, 10000, 6, 5, 3, "stablemax");
    }
}
