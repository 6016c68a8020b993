package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import trm.engine.TrmException;
import trm.trainer.data.maze.MazeCsv;
import trm.trainer.data.maze.MazeExample;
import trm.trainer.data.maze.MazeGenerator;
import trm.trainer.data.maze.MazeText;
import trm.trainer.data.sudoku.SudokuConverter;
import trm.trainer.data.sudoku.SudokuCsv;
import trm.trainer.data.sudoku.SudokuExample;
import trm.trainer.data.sudoku.SudokuGenerator;
import trm.trainer.data.sudoku.SudokuGeometry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "data", mixinStandardHelpOptions = true, description = "Prepare datasets.",
        subcommands = {DataCommand.Sudoku.class, DataCommand.Maze.class, DataCommand.Arc.class})
final class DataCommand {

    @Command(name = "sudoku", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Generate Sudoku puzzles with unique solutions (no two alike up to the augmentation's symmetries),",
                    "or convert puzzle-per-line files into the",
                    "Sudoku-Extreme CSV (source,question,answer,rating) with solutions and ratings from the exact solver.",
                    "Examples: trm data sudoku --generate 1000 --size 6 --out six.csv",
                    "          trm data sudoku --convert ../shared/data/sudoku/puzzles3_magictour_top1465.txt --out top1465.csv"})
    static final class Sudoku implements Callable<Integer> {
        @Option(names = "--generate", paramLabel = "COUNT", description = "generate COUNT puzzles") Integer generate;
        @Option(names = "--size", defaultValue = "9", description = "grid side for --generate: 4, 6 or 9 (default: ${DEFAULT-VALUE})") int size;
        @Option(names = "--min-rating", defaultValue = "0", description = "keep puzzles needing at least this many backtracks") int minRating;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--exclude", paramLabel = "CSV", description = "with --generate: skip puzzles equivalent (up to the augmentation's symmetries) "
                + "to any question of this Sudoku CSV, e.g. the training set, so the output is a held-out set") Path exclude;
        @Option(names = "--convert", paramLabel = "FILE", description = "a puzzle-per-line file to solve and convert") Path convert;
        @Option(names = "--out", required = true, description = "CSV to write (written atomically)") Path out;
        @Parameters(arity = "0", hidden = true) List<String> none;

        @Override
        public Integer call() {
            if ((generate == null) == (convert == null)) throw new TrmException("give exactly one of --generate COUNT or --convert FILE");
            if (exclude != null && convert != null) throw new TrmException("--exclude goes with --generate, not --convert");
            Options.outputFile("--out", out);
            if (convert != null) {
                if (!Files.exists(convert)) throw new TrmException("file not found: " + convert);
                Options.inputFile("--convert", convert);
                SudokuConverter.Report r = SudokuConverter.linesToCsv(convert, out);
                System.out.println(r.summary());
                return Exit.OK;
            }
            SudokuGeometry g = SudokuGeometry.forSide(size);
            Options.range("--generate", generate, 1, 10_000_000);
            Options.range("--min-rating", minRating, 0, Integer.MAX_VALUE);
            java.util.Set<String> excluded = exclude == null ? java.util.Set.of() : canonicalForms(exclude, g);
            List<SudokuExample> puzzles = new SudokuGenerator(g, seed).generateDistinct(generate,
                    new SudokuGenerator.Target(minRating, 0, 10_000), "generated-" + size + "x" + size, excluded);
            SudokuCsv.write(out, puzzles);
            System.out.printf("wrote %d %d×%d puzzles to %s (mean rating %.1f)%n", puzzles.size(), size, size, out,
                    puzzles.stream().mapToInt(SudokuExample::rating).average().orElse(0));
            return 0;
        }

        /** The canonical forms of the questions in {@code csv} that have {@code g}'s shape; a puzzle of another size is an error. */
        private static java.util.Set<String> canonicalForms(Path csv, SudokuGeometry g) {
            Options.inputFile("--exclude", csv);
            var key = trm.trainer.data.sudoku.SudokuCanonical.key(g);
            java.util.Set<String> forms = new java.util.HashSet<>();
            try (var rows = SudokuCsv.stream(csv)) {
                rows.forEach(e -> {
                    if (e.question().length != g.cellCount())
                        throw new TrmException(csv + ": puzzle '" + e.source() + "' has " + e.question().length + " cells, --size "
                                + g.size() + " needs " + g.cellCount());
                    forms.add(key.apply(e.question()));
                });
            }
            return forms;
        }
    }

    @Command(name = "maze", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Generate Maze-Hard-like mazes (random walls, S and G far apart, a unique shortest path), or label a",
                    "file of mazes in the block text form with the exact solver. Output: the Maze-Hard CSV",
                    "(source,question,answer,rating; rating = shortest path length) for .csv, else the block form.",
                    "Examples: trm data maze --generate 1000 --size 30 --min-path 111 --seed 1 --out maze-hard.csv",
                    "          trm data maze --convert mazes.txt --out mazes.csv"})
    static final class Maze implements Callable<Integer> {
        @Option(names = "--generate", paramLabel = "COUNT", description = "generate COUNT mazes") Integer generate;
        @Option(names = "--size", defaultValue = "30", description = "maze side for --generate (default: ${DEFAULT-VALUE})") int size;
        @Option(names = "--min-path", defaultValue = "111", description = "keep mazes whose shortest path takes at least this many steps (default: ${DEFAULT-VALUE}, Maze-Hard's 'longer than 110')") int minPath;
        @Option(names = "--density", defaultValue = "" + MazeGenerator.DEFAULT_WALL_DENSITY, description = "probability that a cell is a wall (default: ${DEFAULT-VALUE})") double density;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--convert", paramLabel = "FILE", description = "mazes in the block text form to label (unlabelled ones are solved)") Path convert;
        @Option(names = "--out", required = true, description = "file to write: .csv for the Maze-Hard CSV, else the block form") Path out;
        @Parameters(arity = "0", hidden = true) List<String> none;

        @Override
        public Integer call() {
            if ((generate == null) == (convert == null)) throw new TrmException("give exactly one of --generate COUNT or --convert FILE");
            long t0 = System.nanoTime();
            List<MazeExample> mazes;
            if (convert != null) {
                if (!Files.exists(convert)) throw new TrmException("file not found: " + convert);
                mazes = MazeText.readExamples(convert);
            } else {
                if (generate < 1) throw new TrmException("--generate needs a positive count");
                mazes = MazeGenerator.generate(size, size, generate, new MazeGenerator.Target(minPath, density, 100_000), seed,
                        "generated-" + size + "x" + size);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (out.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
                MazeCsv.write(out, mazes);
            } else {
                MazeText.write(out, mazes, true);
            }
            var ratings = mazes.stream().mapToInt(MazeExample::rating).summaryStatistics();
            System.out.printf("wrote %d mazes to %s (%s in %.2f s; shortest path %d..%d steps, mean %.1f)%n", mazes.size(), out,
                    convert != null ? "labelled" : "generated", secs, ratings.getMin(), ratings.getMax(), ratings.getAverage());
            return 0;
        }
    }

    @Command(name = "arc", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Build an augmented ARC-AGI dataset as a small manifest (identifier table and source checksums);",
                    "tokens are made from it on the fly when training and evaluating.",
                    "Example: trm data arc --benchmark arc-agi-1 --aug 1000 --out data/arc1"})
    static final class Arc implements Callable<Integer> {
        @Option(names = "--benchmark", required = true, description = "arc-agi-1 (trains on training + evaluation + concept, tests on evaluation) "
                + "or arc-agi-2 (training2 + evaluation2 + concept, tests on evaluation2)") String benchmark;
        @Option(names = "--aug", defaultValue = "1000", description = "variants per task, the original included (default: ${DEFAULT-VALUE})") int aug;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--source", description = "folder of arc-agi_<subset>_{challenges,solutions}.json (default: the first shared/data/arc above the repository)") Path source;
        @Option(names = "--out", required = true, description = "folder for manifest.json (written atomically)") Path out;
        @Parameters(arity = "0", hidden = true) List<String> none;

        @Override
        public Integer call() throws java.io.IOException {
            var b = trm.trainer.data.arc.ArcBenchmark.parse(benchmark);
            if (aug < 1) throw new TrmException("--aug must be at least 1 (the original task), got " + aug);
            long t0 = System.nanoTime();
            if (source == null) source = Paths.shared("data/arc");
            var m = trm.trainer.data.arc.ArcManifest.build(b, source, aug, seed);
            Path file = m.write(out);
            double secs = (System.nanoTime() - t0) / 1e9;
            var ids = m.identifiers();
            long held = ids.tasks().stream().filter(e -> e.subset().equals(b.evalSubset())).count();
            System.out.printf("wrote %s: %d tasks (%d held out), %,d puzzle identifiers (blank included), %,d bytes, in %.1f s%n",
                    file, ids.tasks().size(), held, ids.count(), Files.size(file), secs);
            return 0;
        }
    }
}
