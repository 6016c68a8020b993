package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import trm.engine.Devices;
import trm.engine.TrmException;
import trm.engine.model.TrmModel;
import trm.trainer.Inference;
import trm.trainer.data.Task;
import trm.trainer.data.maze.MazeGrid;
import trm.trainer.data.maze.MazePicture;
import trm.trainer.data.maze.MazeTask;
import trm.trainer.data.sudoku.SudokuTask;
import trm.trainer.data.sudoku.SudokuText;
import trm.trainer.serve.SlotScheduler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "solve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Solve Sudoku puzzles with a trained model: by default the shipped one for the puzzle's grid size (weights/),",
                "or a freshly generated puzzle for the largest shipped model when none is given.",
                "A puzzle is a string of n² cells, '.' or '0' for blank, e.g. 4×4: 1.3..4.22..3..2.",
                "Every answer is checked against the givens and the rules; an invalid one lists the cells in conflict.",
                "Exit code: 0 every answer is a valid solution; 4 some answer is not; 2 a mistake in the input",
                "(a bad line of --file is named and skipped, and the other puzzles are still solved).",
                "Mazes: --maze FILE (Maze-Hard CSV or block text) with a maze model (--weights); --png OUT draws each answer.",
                "ARC: --arc TASK_ID --data arc:DIR (or --arc task.json) votes over the task's variants and prints the top-2."})
final class SolveCommand implements Callable<Integer> {
    /** Slots of the scheduler for many puzzles (fewer puzzles: one slot each). */
    static final int SOLVE_SLOTS = 32;

    @Parameters(arity = "0..*", paramLabel = "PUZZLE", description = "puzzle strings")
    List<String> puzzles = new ArrayList<>();
    @Option(names = "--file", description = "a puzzle-per-line file") Path file;
    @Option(names = "--limit", defaultValue = "10", description = "at most this many puzzles from --file or mazes from --maze, at least 1 (default: ${DEFAULT-VALUE})") int limit;
    @Option(names = "--allow-partial", description = "load a checkpoint that lacks model tensors or holds others, saying which") boolean allowPartial;
    @Option(names = "--weights", description = "model checkpoint (default: the shipped model for the puzzle's grid size, in weights/)") Path weights;
    @Option(names = "--config", description = "architecture JSON for checkpoints without one") Path config;
    @Option(names = "--trace", description = "print the answer after every supervision step (with --png: draw them)") boolean trace;
    @Option(names = "--fallback", paramLabel = "solver", description = "solver: under an invalid answer, also print the exact solver's solution (labelled as the solver's)")
    String fallback;
    @Option(names = "--no-early-halt", description = "run all N_sup steps instead of stopping when q_halt > 0") boolean noEarlyHalt;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--seed", defaultValue = "2026", description = "seed of the example puzzle when none is given") long seed;
    @Option(names = "--maze", description = "mazes to solve: a Maze-Hard CSV (.csv) or the block text form (rows of '# SG.', blank line between mazes)") Path maze;
    @Option(names = "--png", description = "with --maze: draw each answer to this PNG (several mazes: OUT-1.png, OUT-2.png, ...); "
            + "with --trace, a Sudoku: one PNG per puzzle, the puzzle then the answer after every supervision step (changed cells yellow); "
            + "with --arc: the test inputs, the top-2 and the truth in the ARC colours") Path png;
    @Option(names = "--arc", paramLabel = "TASK_ID|FILE", description = "an ARC task: an id of the --data arc:DIR dataset, or a task JSON file")
    String arc;
    @Option(names = "--data", paramLabel = "arc:DIR", description = "with --arc TASK_ID: the dataset the model was trained on") String data;
    @Option(names = "--batch", defaultValue = "64", description = "with --arc: variants answered at once (default: ${DEFAULT-VALUE})") int batch;

    @Override
    public Integer call() {
        Options.range("--limit", limit, 1, Integer.MAX_VALUE);
        Options.inputFile("--file", file);
        Options.inputFile("--config", config);
        boolean solverFallback = SudokuReport.fallback(fallback);
        if (solverFallback && (arc != null || maze != null)) throw new TrmException("--fallback solver is for Sudoku, not --maze or --arc");
        if (arc != null) {
            if (maze != null) throw new TrmException("give --maze or --arc, not both");
            if (data != null && !ArcCommands.isSpec(data)) throw new TrmException("--data for --arc must be arc:DIR, got " + data);
            if (batch <= 0) throw new TrmException("--batch must be positive, got " + batch);
            TrmModel model = ModelFiles.load(Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), config, Devices.open(device), allowPartial);
            ArcCommands.solve(model, Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), data, arc, batch, png);
            return 0;
        }
        if (data != null) throw new TrmException("--data goes with --arc");
        if (png != null && maze == null && !trace)
            throw new TrmException("--png draws mazes: give --maze FILE (or an ARC task: --arc TASK; or a Sudoku's recursion: --trace --png OUT)");
        if (maze != null) return solveMazes();
        Options.outputFile("--png", png);
        Path modelFile = weights;
        if (modelFile == null) {
            int side = ShippedModels.side(puzzles, file);
            if (side == 0 && !puzzles.isEmpty()) SudokuText.parse(puzzles.getFirst()); // says why it is no Sudoku
            ShippedModels.Shipped shipped = side == 0 ? ShippedModels.largest() : ShippedModels.forSide(side);
            modelFile = shipped.file();
            System.out.println("model: the shipped " + shipped.label());
        }
        TrmModel model = ModelFiles.load(modelFile, config, Devices.open(device), allowPartial);
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
        this.sudokuFallback = solverFallback;
        List<int[]> answers = solve(model, task, grids, "valid solution", true);
        if (!refused.isEmpty()) return Exit.USER_ERROR;
        return allValid(task, grids, answers) ? Exit.OK : Exit.NO_VALID_RESULT;
    }

    private boolean sudokuFallback;

    /** Whether every answer is a valid solution of its puzzle (exit 0), else exit 4. */
    private static <G> boolean allValid(Task<G> task, List<G> grids, List<G> answers) {
        for (int i = 0; i < grids.size(); i++) if (task.whyNotSolved(grids.get(i), answers.get(i)) != null) return false;
        return true;
    }

    /** --maze: every maze of the file (at most --limit), its answer printed, judged and drawn with --png. */
    private Integer solveMazes() {
        if (weights == null) throw new TrmException("--maze needs --weights: a model trained on mazes (trm train --data maze:FILE ...)");
        if (puzzles != null && !puzzles.isEmpty()) throw new TrmException("give mazes with --maze FILE, not as arguments");
        if (!java.nio.file.Files.exists(maze)) throw new TrmException("file not found: " + maze);
        TrmModel model = ModelFiles.load(weights, config, Devices.open(device), allowPartial);
        MazeTask task = MazeTask.forSeqLenOrNull(model.config.seqLen());
        if (task == null || model.config.vocabSize() != task.vocabSize()) {
            throw new TrmException("this model takes " + model.config.seqLen() + " positions over " + model.config.vocabSize()
                    + " tokens: not a maze model (a square maze of side² cells, vocabulary 6)");
        }
        List<MazeGrid> grids = task.readMazes(maze, limit);
        List<MazeGrid> answers = solve(model, task, grids, "valid shortest path", false);
        if (png != null) {
            for (int i = 0; i < grids.size(); i++) {
                Path out = grids.size() == 1 ? png : numbered(png, i + 1);
                MazePicture.write(out, grids.get(i), answers.get(i), grids.get(i).width() <= 16 ? 24 : 16);
                System.out.println("picture: " + out);
            }
        }
        return allValid(task, grids, answers) ? Exit.OK : Exit.NO_VALID_RESULT;
    }

    private static Path numbered(Path file, int n) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n;
        return file.resolveSibling(numbered);
    }

    /**
     * Runs the model on each puzzle and prints the puzzle (if {@code showPuzzle}: a maze's answer
     * shows it already), the answer (and with --trace every step's) and whether it solves it;
     * returns the answers.
     */
    private <G> List<G> solve(TrmModel model, Task<G> task, List<G> grids, String solvedWords, boolean showPuzzle) {
        List<G> answers = new ArrayList<>();
        boolean sudokuPicture = png != null && trace && task instanceof SudokuTask;
        // The server's scheduler (trm serve): many puzzles share the slots, a halted one's slot takes the next.
        List<SlotScheduler.Result> results;
        try (SlotScheduler slots = new SlotScheduler(model, Math.min(grids.size(), SOLVE_SLOTS), grids.size())) {
            results = slots.solveAll(grids.stream().map(task::encode).toList(), slots.options(!noEarlyHalt, trace || sudokuPicture));
        }
        int solved = 0;
        for (int i = 0; i < grids.size(); i++) {
            G q = grids.get(i);
            Inference.Answer a = results.get(i).answer();
            double ms = results.get(i).computeNanos() / 1e6;
            G answer = task.decode(a.prediction());
            answers.add(answer);
            if (showPuzzle) {
                System.out.println("puzzle:");
                System.out.println(task.render(q, null));
            }
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
                    why == null ? solvedWords : "NOT a " + solvedWords + " (" + why + ")",
                    a.stepsUsed(), a.stepsUsed() == 1 ? "" : "s", a.haltConfidence(), ms, device);
            String note = why == null ? null : task.noteOnPuzzle(q);
            if (note != null) System.out.println("note: " + note);
            if (task instanceof SudokuTask s && q instanceof int[] puzzle && answer instanceof int[] cells) {
                SudokuReport.explain(System.out, s, puzzle, cells, sudokuFallback);
                if (sudokuPicture) SudokuReport.tracePicture(System.out, grids.size() == 1 ? png : numbered(png, answers.size()), s,
                        puzzle, a.trace().stream().map(s::decode).toList());
            }
        }
        if (grids.size() > 1) System.out.printf("%d of %d solved%n", solved, grids.size());
        return answers;
    }
}
