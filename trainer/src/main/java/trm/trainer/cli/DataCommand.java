package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import trm.engine.TrmException;
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
        subcommands = {DataCommand.Sudoku.class, DataCommand.Arc.class})
final class DataCommand {

    @Command(name = "sudoku", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Generate Sudoku puzzles with unique solutions, or convert puzzle-per-line files into the",
                    "Sudoku-Extreme CSV (source,question,answer,rating) with solutions and ratings from the exact solver.",
                    "Examples: trm data sudoku --generate 1000 --size 6 --out six.csv",
                    "          trm data sudoku --convert ../shared/data/sudoku/puzzles3_magictour_top1465.txt --out top1465.csv"})
    static final class Sudoku implements Callable<Integer> {
        @Option(names = "--generate", paramLabel = "COUNT", description = "generate COUNT puzzles") Integer generate;
        @Option(names = "--size", defaultValue = "9", description = "grid side for --generate: 4, 6 or 9 (default: ${DEFAULT-VALUE})") int size;
        @Option(names = "--min-rating", defaultValue = "0", description = "keep puzzles needing at least this many backtracks") int minRating;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--convert", paramLabel = "FILE", description = "a puzzle-per-line file to solve and convert") Path convert;
        @Option(names = "--out", required = true, description = "CSV to write (written atomically)") Path out;
        @Parameters(arity = "0", hidden = true) List<String> none;

        @Override
        public Integer call() {
            if ((generate == null) == (convert == null)) throw new TrmException("give exactly one of --generate COUNT or --convert FILE");
            if (convert != null) {
                if (!Files.exists(convert)) throw new TrmException("file not found: " + convert);
                SudokuConverter.Report r = SudokuConverter.linesToCsv(convert, out);
                System.out.println(r.summary());
                return 0;
            }
            SudokuGeometry g = SudokuGeometry.forSide(size);
            if (generate < 1) throw new TrmException("--generate needs a positive count");
            List<SudokuExample> puzzles = new SudokuGenerator(g, seed)
                    .generate(generate, new SudokuGenerator.Target(minRating, 0, 10_000), "generated-" + size + "x" + size);
            SudokuCsv.write(out, puzzles);
            System.out.printf("wrote %d %d×%d puzzles to %s (mean rating %.1f)%n", puzzles.size(), size, size, out,
                    puzzles.stream().mapToInt(SudokuExample::rating).average().orElse(0));
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
