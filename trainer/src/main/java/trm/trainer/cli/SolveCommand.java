package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import trm.engine.Devices;
import trm.engine.TrmException;
import trm.engine.model.TrmModel;
import trm.trainer.Inference;
import trm.trainer.Sample;
import trm.trainer.data.sudoku.LinePuzzle;
import trm.trainer.data.sudoku.PuzzleLines;
import trm.trainer.data.sudoku.SolveResult;
import trm.trainer.data.sudoku.SudokuGenerator;
import trm.trainer.data.sudoku.SudokuGeometry;
import trm.trainer.data.sudoku.SudokuRules;
import trm.trainer.data.sudoku.SudokuSolver;
import trm.trainer.data.sudoku.SudokuText;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "solve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Solve Sudoku puzzles with a trained model (by default the shipped one, on a puzzle it has never seen).",
                "A puzzle is a string of n² cells, '.' or '0' for blank, e.g. 4×4: 1..4..3..2..4..1"})
final class SolveCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "PUZZLE", description = "puzzle strings")
    List<String> puzzles = new ArrayList<>();
    @Option(names = "--file", description = "a puzzle-per-line file") Path file;
    @Option(names = "--limit", defaultValue = "10", description = "at most this many puzzles from --file (default: ${DEFAULT-VALUE})") int limit;
    @Option(names = "--weights", description = "model checkpoint (default: " + ModelFiles.DEFAULT_WEIGHTS + ")") Path weights;
    @Option(names = "--config", description = "architecture JSON for checkpoints without one") Path config;
    @Option(names = "--trace", description = "print the answer after every supervision step") boolean trace;
    @Option(names = "--no-early-halt", description = "run all N_sup steps instead of stopping when q_halt > 0") boolean noEarlyHalt;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--seed", defaultValue = "2026", description = "seed of the example puzzle when none is given") long seed;

    @Override
    public Integer call() {
        TrmModel model = ModelFiles.load(Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), config, Devices.open(device));
        SudokuGeometry g = SudokuGeometry.forCellCountOrNull(model.config.seqLen());
        if (g == null) throw new TrmException("this model takes " + model.config.seqLen() + " cells: not a Sudoku model");
        List<int[]> grids = new ArrayList<>();
        for (String p : puzzles) grids.add(SudokuText.parse(p));
        if (file != null) for (LinePuzzle lp : PuzzleLines.readAll(file)) if (grids.size() < limit) grids.add(lp.question());
        if (grids.isEmpty()) {
            grids.add(new SudokuGenerator(g, seed).generate(SudokuGenerator.Target.any(), "example").question());
            System.out.println("No puzzle given: solving a freshly generated " + g.size() + "×" + g.size() + " puzzle (seed " + seed + ").");
        }
        List<Sample> samples = new ArrayList<>();
        for (int[] q : grids) {
            if (q.length != g.cellCount())
                throw new TrmException("puzzle has " + q.length + " cells but the model solves " + g.size() + "×" + g.size() + " grids (" + g.cellCount() + " cells)");
            String problem = SudokuRules.cluesProblem(g, q);
            if (problem != null) throw new TrmException("invalid puzzle: " + problem);
            int[] tokens = new int[q.length];
            for (int i = 0; i < q.length; i++) tokens[i] = q[i] + 1;
            samples.add(new Sample(tokens, null, 0));
        }
        Inference inf = new Inference(model, 1);
        int solved = 0;
        for (int i = 0; i < samples.size(); i++) {
            long t0 = System.nanoTime();
            Inference.Answer a = inf.solve(List.of(samples.get(i)), !noEarlyHalt, trace).getFirst();
            double ms = (System.nanoTime() - t0) / 1e6;
            int[] q = grids.get(i), answer = digits(a.prediction());
            System.out.println("puzzle:");
            System.out.println(Grids.render(g, q, null));
            if (trace) {
                int[] prev = q;
                for (int s = 0; s < a.trace().size(); s++) {
                    int[] step = digits(a.trace().get(s));
                    System.out.printf("after supervision step %d (%d cells wrong by the rules, * = changed):%n", s + 1, Grids.conflicts(g, step));
                    System.out.println(Grids.render(g, step, prev));
                    prev = step;
                }
            }
            boolean valid = SudokuRules.solves(g, q, answer);
            if (valid) solved++;
            System.out.println("answer:");
            System.out.println(Grids.render(g, answer, null));
            System.out.printf("%s | %d supervision step%s | halting confidence %.3f | %.1f ms on %s%n",
                    valid ? "valid solution" : "NOT a valid solution (" + Grids.conflicts(g, answer) + " cells repeat a digit in a row, column or box)",
                    a.stepsUsed(), a.stepsUsed() == 1 ? "" : "s", a.haltConfidence(), ms, device);
            if (!valid) {
                SolveResult exact = SudokuSolver.solve(g, q);
                if (exact.outcome() != SolveResult.Outcome.UNIQUE)
                    System.out.println("note: the exact solver says this puzzle has " + (exact.outcome() == SolveResult.Outcome.MULTIPLE ? "several solutions" : "no solution"));
            }
        }
        if (samples.size() > 1) System.out.printf("%d of %d solved%n", solved, samples.size());
        return 0;
    }

    private static int[] digits(int[] tokens) {
        int[] d = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) d[i] = Math.max(0, tokens[i] - 1);
        return d;
    }
}
