package trm.trainer.data.arc;

import trm.trainer.data.Dihedral;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws up to {@code count} distinct variants of a task, the original first: each a uniformly
 * random dihedral transform plus a random permutation of colours 1..9, rejected when a 128-bit
 * hash of the whole variant (every grid, train and test, in order) was seen before. As the
 * reference ({@code build_arc_dataset.py}) it gives up after 5·count draws, so a task with few
 * colours or symmetric grids gets fewer variants. Seeded per (seed, task id): the same task
 * gets the same variants whatever else the benchmark holds.
 */
public final class ArcAugmenter {
    static final int RETRY_FACTOR = 5;

    private ArcAugmenter() {}

    public static List<ArcVariant> variants(ArcTask task, int count, long seed) {
        if (count < 1) throw new trm.engine.TrmException("--aug must be at least 1 (the original task), got " + count);
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ task.id().hashCode());
        List<ArcVariant> out = new ArrayList<>();
        Set<Hash> seen = new HashSet<>();
        out.add(ArcVariant.IDENTITY);
        seen.add(hash(task, ArcVariant.IDENTITY));
        for (int trial = 0; trial < RETRY_FACTOR * count && out.size() < count; trial++) {
            ArcVariant v = new ArcVariant(Dihedral.of(rng.nextInt(8)), ColourMap.random(rng));
            if (seen.add(hash(task, v))) out.add(v);
        }
        return out;
    }

    record Hash(long a, long b) {}

    /** Two independent 64-bit polynomial hashes over every grid of the variant (sizes included), computed without building it. */
    static Hash hash(ArcTask task, ArcVariant v) {
        long[] h = {0x243F6A8885A308D3L, 0x13198A2E03707344L};
        for (List<ArcPair> pairs : List.of(task.train(), task.test()))
            for (ArcPair p : pairs) {
                mix(h, p.input(), v);
                if (p.output() != null) mix(h, p.output(), v);
                else mix(h, -1);
            }
        return new Hash(h[0], h[1]);
    }

    private static void mix(long[] h, ArcGrid g, ArcVariant v) {
        Dihedral t = v.transform();
        int H = t.height(g.height(), g.width()), W = t.width(g.height(), g.width());
        mix(h, H);
        mix(h, W);
        for (int r = 0; r < H; r++)
            for (int c = 0; c < W; c++) mix(h, v.colours().apply(g.cells()[t.sourceIndex(r, c, g.height(), g.width())]));
    }

    private static void mix(long[] h, int x) {
        h[0] = (h[0] + x + 1) * 0x9E3779B97F4A7C15L;
        h[1] = Long.rotateLeft(h[1] ^ (x + 17), 23) * 0xC2B2AE3D27D4EB4FL;
    }
}
