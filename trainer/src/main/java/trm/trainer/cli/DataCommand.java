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
        subcommands = DataCommand.Sudoku.class)
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
        @Option(names = "--convert", paramLabel = "FILE", description = "a puzzle-per-line file to solve and convert") Path convert;
        @Option(names = "--out", required = true, description = "CSV to write (written atomically)") Path out;
        @Parameters(arity = "0", hidden = true) List<String> none;

        @Override
        public Integer call() {
            if ((generate == null) == (convert == null)) throw new TrmException("give exactly one of --generate COUNT or --convert FILE");
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
            List<SudokuExample> puzzles = new SudokuGenerator(g, seed).generateDistinct(generate,
                    new SudokuGenerator.Target(minRating, 0, 10_000), "generated-" + size + "x" + size, java.util.Set.of());
            SudokuCsv.write(out, puzzles);
            System.out.printf("wrote %d %d×%d puzzles to %s (mean rating %.1f)%n", puzzles.size(), size, size, out,
                    puzzles.stream().mapToInt(SudokuExample::rating).average().orElse(0));
            return 0;
        }
    }
}
