package trm.trainer.data.maze;

import java.nio.file.Files;
import java.nio.file.Path;

import trm.engine.TrmException;

/**
 * Maze data named the way the command line names it: {@code maze:FILE} (a Maze-Hard CSV, or the
 * block text form, whose unlabelled mazes are labelled by the exact solver) or
 * {@code gen-maze:SIZE:COUNT:MINPATH:SEED} (freshly generated SIZE×SIZE mazes whose unique
 * shortest path takes at least MINPATH steps).
 */
public final class MazeData {
    public static final String FILE_PREFIX = "maze:";
    public static final String GENERATED_PREFIX = "gen-maze:";

    private MazeData() {}

    /** True when {@code spec} names maze data. */
    public static boolean names(String spec) {
        return spec.startsWith(FILE_PREFIX) || spec.startsWith(GENERATED_PREFIX);
    }

    /** The dataset {@code spec} names; with {@code subsample}, that many mazes of it drawn with {@code seed}. */
    public static MazeDataset load(String spec, Integer subsample, long seed) {
        MazeDataset d;
        if (spec.startsWith(GENERATED_PREFIX)) {
            d = generate(spec);
        } else if (spec.startsWith(FILE_PREFIX)) {
            Path p = Path.of(spec.substring(FILE_PREFIX.length()));
            if (!Files.exists(p)) throw new TrmException("data file not found: " + p);
            d = MazeDataset.load(p);
        } else {
            throw new TrmException("bad maze data spec '" + spec + "' (expected maze:FILE or gen-maze:SIZE:COUNT:MINPATH:SEED)");
        }
        if (subsample == null || subsample >= d.size()) return d;
        if (subsample < 1) throw new TrmException("cannot take " + subsample + " mazes: the count must be positive");
        return d.subsample(subsample, seed);
    }

    /** gen-maze:SIZE:COUNT:MINPATH:SEED, made on every core (the result does not depend on how many). */
    public static MazeDataset generate(String spec) {
        String[] f = spec.split(":");
        int side;
        int count;
        int minPath;
        long seed;
        try {
            if (f.length != 5) throw new NumberFormatException();
            side = Integer.parseInt(f[1]);
            count = Integer.parseInt(f[2]);
            minPath = Integer.parseInt(f[3]);
            seed = Long.parseLong(f[4]);
        } catch (NumberFormatException e) {
            throw new TrmException("bad data spec '" + spec + "' (expected gen-maze:SIZE:COUNT:MINPATH:SEED, e.g. gen-maze:10:1000:14:1)");
        }
        if (side < 2) throw new TrmException("maze size must be at least 2, got " + side);
        if (count < 1) throw new TrmException("maze count must be positive, got " + count);
        return new MazeDataset(MazeGenerator.generate(side, side, count, MazeGenerator.Target.minPath(minPath), seed,
                "generated-" + side + "x" + side));
    }
}
