package trm.trainer.data.sudoku;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import trm.engine.TrmException;

/**
 * Turns a puzzle-per-line collection into Sudoku-Extreme CSV rows: each puzzle is solved, its
 * unique solution becomes the answer and its backtrack count the rating. Puzzles with invalid
 * clues, no solution or several solutions are skipped and reported with their line numbers;
 * a malformed line stops the conversion with an error naming it. (Backs {@code trm data sudoku}.)
 */
public final class SudokuConverter {
    private SudokuConverter() {}

    /** A puzzle left out of the output, and why. */
    public record Rejected(int lineNumber, String reason) {}

    /**
     * @param written  rows written
     * @param rejected every skipped puzzle, in file order
     */
    public record Report(int written, List<Rejected> rejected) {
        public Report {
            rejected = List.copyOf(rejected);
        }

        /** One line for the command line, e.g. "wrote 1465 puzzles, skipped 0". */
        public String summary() {
            StringBuilder s = new StringBuilder("wrote " + written + " puzzles, skipped " + rejected.size());
            int shown = Math.min(5, rejected.size());
            for (int i = 0; i < shown; i++) {
                Rejected r = rejected.get(i);
                s.append(i == 0 ? " (" : "; ").append("line ").append(r.lineNumber()).append(": ").append(r.reason());
            }
            if (shown > 0) s.append(rejected.size() > shown ? "; ...)" : ")");
            return s.toString();
        }
    }

    /** Converts {@code input} to the CSV {@code output}, naming the source after the input file. */
    public static Report linesToCsv(Path input, Path output) {
        return linesToCsv(input, output, sourceName(input));
    }

    /**
     * Converts {@code input} to the CSV {@code output}, every row with {@code source}. The rows go
     * to a temporary file renamed at the end, so a failed conversion leaves no half-written output;
     * a file without a single puzzle with a unique solution is an error (nothing is written).
     */
    public static Report linesToCsv(Path input, Path output, String source) {
        Path partial = output.resolveSibling(output.getFileName() + ".part");
        try {
            Report report = convert(input, partial, source);
            if (report.written() == 0) // an empty CSV would read as "no puzzles" later: say it now, and leave output as it was
                throw new TrmException(input + ": no puzzle with a unique solution, nothing written (" + report.summary() + ")");
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
            return report;
        } catch (IOException e) {
            throw new TrmException("cannot write " + output + ": " + trm.engine.io.AtomicFiles.describe(e), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // best effort: the error that got us here matters more
            }
        }
    }

    private static Report convert(Path input, Path output, String source) {
        List<Rejected> rejected = new ArrayList<>();
        int written = 0;
        try (PuzzleLines.Reader puzzles = PuzzleLines.open(input);
             SudokuCsv.Writer csv = SudokuCsv.create(output)) {
            SudokuSolver solver = null;
            while (puzzles.hasNext()) {
                LinePuzzle p = puzzles.next();
                if (solver == null) solver = new SudokuSolver(p.geometry());
                SudokuExample e = solveOrReject(solver, p, source, rejected);
                if (e != null) {
                    csv.write(e);
                    written++;
                }
            }
        }
        return new Report(written, rejected);
    }

    /** Solves each puzzle into an example; the ones that cannot be are added to {@code rejected}. */
    public static List<SudokuExample> solveAll(List<LinePuzzle> puzzles, String source, List<Rejected> rejected) {
        List<SudokuExample> examples = new ArrayList<>(puzzles.size());
        SudokuSolver solver = null;
        for (LinePuzzle p : puzzles) {
            if (solver == null || solver.geometry() != p.geometry()) solver = new SudokuSolver(p.geometry());
            SudokuExample e = solveOrReject(solver, p, source, rejected);
            if (e != null) examples.add(e);
        }
        return examples;
    }

    /** "puzzles3_magictour_top1465" for ".../puzzles3_magictour_top1465.txt". */
    public static String sourceName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static SudokuExample solveOrReject(SudokuSolver solver, LinePuzzle p, String source, List<Rejected> rejected) {
        int[] question = p.question();
        String clueProblem = SudokuRules.cluesProblem(p.geometry(), question);
        if (clueProblem != null) {
            rejected.add(new Rejected(p.lineNumber(), "invalid clues: " + clueProblem));
            return null;
        }
        SolveResult r = solver.solve(question);
        return switch (r.outcome()) {
            case UNIQUE -> new SudokuExample(p.geometry(), question, r.solution(), r.rating(), source);
            case NO_SOLUTION -> reject(rejected, p, "no solution");
            case MULTIPLE -> reject(rejected, p, "more than one solution");
        };
    }

    private static SudokuExample reject(List<Rejected> rejected, LinePuzzle p, String reason) {
        rejected.add(new Rejected(p.lineNumber(), reason));
        return null;
    }
}
