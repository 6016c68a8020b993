package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import trm.engine.Devices;
import trm.engine.TrmException;
import trm.engine.model.TrmModel;
import trm.trainer.Inference;
import trm.trainer.data.Sample;
import trm.trainer.data.Task;
import trm.trainer.data.sudoku.SudokuTask;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "solve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Solve Sudoku puzzles with a trained model (by default the shipped one, on a puzzle it has never seen).",
                "A puzzle is a string of n² cells, '.' or '0' for blank, e.g. 4×4: 1.3..4.22..3..2.",
                "Exit code: 0 every answer is a valid solution; 4 some answer is not; 2 a mistake in the input",
                "(a bad line of --file is named and skipped, and the other puzzles are still solved)."})
final class SolveCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "PUZZLE", description = "puzzle strings")
    List<String> puzzles = new ArrayList<>();
    @Option(names = "--file", description = "a puzzle-per-line file") Path file;
    @Option(names = "--limit", defaultValue = "10", description = "at most this many puzzles from --file, at least 1 (default: ${DEFAULT-VALUE})") int limit;
    @Option(names = "--allow-partial", description = "load a checkpoint that lacks model tensors or holds others, saying which") boolean allowPartial;
    @Option(names = "--weights", description = "model checkpoint (default: " + ModelFiles.DEFAULT_WEIGHTS + ")") Path weights;
    @Option(names = "--config", description = "architecture JSON for checkpoints without one") Path config;
    @Option(names = "--trace", description = "print the answer after every supervision step") boolean trace;
    @Option(names = "--no-early-halt", description = "run all N_sup steps instead of stopping when q_halt > 0") boolean noEarlyHalt;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--seed", defaultValue = "2026", description = "seed of the example puzzle when none is given") long seed;

    @Override
    public Integer call() {
        Options.range("--limit", limit, 1, Integer.MAX_VALUE);
        Options.inputFile("--file", file);
        Options.inputFile("--config", config);
        TrmModel model = ModelFiles.load(Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), config, Devices.open(device), allowPartial);
        SudokuTask task = SudokuTask.forCellCountOrNull(model.config.seqLen());
        if (task == null) throw new TrmException("this model takes " + model.config.seqLen() + " cells: not a Sudoku model");
        List<int[]> grids = new ArrayList<>();
        for (String p : puzzles) grids.add(task.parse(p));
        List<String> refused = new ArrayList<>();
        if (file != null && grids.size() < limit) grids.addAll(task.readPuzzles(file, limit - grids.size(), refused));
        for (String r : refused) System.err.println("trm: " + r + " (skipped)");
        if (grids.isEmpty() && file != null) throw new TrmException(file + ": no valid puzzle to solve");
        if (grids.isEmpty()) {
            grids.add(task.example(seed));
            int n = task.geometry().size();
            System.out.println("No puzzle given: solving a freshly generated " + n + "×" + n + " puzzle (seed " + seed + ").");
        }
        int solved = solve(model, task, grids);
        if (!refused.isEmpty()) return Exit.USER_ERROR;
        return solved == grids.size() ? Exit.OK : Exit.NO_VALID_RESULT;
    }

    /** Runs the model on each puzzle and prints the puzzle, the answer (and with --trace every step's) and whether it solves it. */
    private <G> int solve(TrmModel model, Task<G> task, List<G> grids) {
        Inference inf = new Inference(model, 1);
        int solved = 0;
        for (G q : grids) {
            long t0 = System.nanoTime();
            Inference.Answer a = inf.solve(List.of(new Sample(task.encode(q), null, 0)), !noEarlyHalt, trace).getFirst();
            double ms = (System.nanoTime() - t0) / 1e6;
            G answer = task.decode(a.prediction());
            System.out.println("puzzle:");
            System.out.println(task.render(q, null));
            if (trace) {
                G prev = q;
                for (int s = 0; s < a.trace().size(); s++) {
                    G step = task.decode(a.trace().get(s));
                    String why = task.whyNotSolved(q, step);
                    System.out.printf("after supervision step %d (%s; * = changed):%n", s + 1, why == null ? "solved" : why);
                    System.out.println(task.render(step, prev));
                    prev = step;
                }
            }
            String why = task.whyNotSolved(q, answer);
            if (why == null) solved++;
            System.out.println("answer:");
            System.out.println(task.render(answer, null));
            System.out.printf("%s | %d supervision step%s | halting confidence %.3f | %.1f ms on %s%n",
                    why == null ? "valid solution" : "NOT a valid solution (" + why + ")",
                    a.stepsUsed(), a.stepsUsed() == 1 ? "" : "s", a.haltConfidence(), ms, device);
            String note = why == null ? null : task.noteOnPuzzle(q);
            if (note != null) System.out.println("note: " + note);
        }
        if (grids.size() > 1) System.out.printf("%d of %d solved%n", solved, grids.size());
        return solved;
    }
}
