package trm.trainer.data.arc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Made-up tasks for tests, and the shared ARC folder when it is there. */
final class ArcTestData {
    private ArcTestData() {}

    static ArcGrid grid(Random r, int h, int w, int colours) {
        int[] cells = new int[h * w];
        for (int i = 0; i < cells.length; i++) cells[i] = r.nextInt(colours);
        return new ArcGrid(h, w, cells);
    }

    /** A task of random grids (sizes up to {@code maxSide}, colours below {@code colours}). */
    static ArcTask randomTask(Random r, String id, String subset, int maxSide, int colours) {
        List<ArcPair> train = new ArrayList<>(), test = new ArrayList<>();
        int n = 2 + r.nextInt(3);
        for (int i = 0; i < n; i++)
            train.add(new ArcPair(grid(r, 1 + r.nextInt(maxSide), 1 + r.nextInt(maxSide), colours),
                    grid(r, 1 + r.nextInt(maxSide), 1 + r.nextInt(maxSide), colours)));
        for (int i = 0; i < 1 + r.nextInt(2); i++)
            test.add(new ArcPair(grid(r, 1 + r.nextInt(maxSide), 1 + r.nextInt(maxSide), colours),
                    grid(r, 1 + r.nextInt(maxSide), 1 + r.nextInt(maxSide), colours)));
        return new ArcTask(id, subset, train, test);
    }

    /** The shared ARC folder, or the calling test is skipped. */
    static Path arcDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path c = dir.resolve("shared").resolve("data").resolve("arc");
            if (Files.isDirectory(c)) return c;
        }
        assumeTrue(false, "no shared/data/arc folder above " + Path.of("").toAbsolutePath() + "; skipping");
        return null;
    }
}
