package trm.engine;

/**
 * Counter-based random numbers (a SplitMix64 finaliser over the key), so that a decision drawn
 * for (seed, step, slot, stream) is the same on every device and after a resume, with no
 * generator state to carry. The CUDA kernels use the same function.
 */
public final class SlotRandom {
    private SlotRandom() {}

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits (exact in float). */
    public static float uniform(long seed, long step, int slot, int stream) {
        long h = mix(mix(mix(seed + 0x9e3779b97f4a7c15L) ^ step) ^ ((long) slot << 8 | stream));
        return (h >>> 40) * 0x1.0p-24f;
    }
}
