package trm.engine.model;

/** The rotary position embedding's tables, "rotate half" convention, as the reference builds them. */
public final class RopeTables {
    private RopeTables() {}

    /** cos, sin [L, hd] with freqs = pos · θ^(−2i/hd) repeated over both halves. */
    public static void fill(float[] cos, float[] sin, int L, int hd, double theta) {
        for (int p = 0; p < L; p++)
            for (int i = 0; i < hd / 2; i++) {
                double f = p * Math.pow(theta, -2.0 * i / hd);
                cos[p * hd + i] = cos[p * hd + i + hd / 2] = (float) Math.cos(f);
                sin[p * hd + i] = sin[p * hd + i + hd / 2] = (float) Math.sin(f);
            }
    }
}
