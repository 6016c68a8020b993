package trm.trainer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.trainer.data.sudoku.SolveResult;
import trm.trainer.data.sudoku.SudokuGeometry;
import trm.trainer.data.sudoku.SudokuSolver;
import trm.trainer.data.sudoku.SudokuText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code ./trm} command of README.md's fenced code blocks runs as written: in order, in
 * one scratch folder (so a file an example makes is there for the next), in this JVM through
 * {@link Main#run} — exit 0, or 4 for {@code solve} (an answer that is not valid is a result,
 * not a failure of the example), never 2 (a user mistake: the example would be wrong) nor an
 * exception. To stay within CI's budget, {@code --steps N} runs N/100 steps (at least 2),
 * {@code --generate N} at most 50 puzzles or mazes, {@code gen:SIDE:N} and {@code gen-maze:SIZE:N}
 * data at most 24, and {@code data arc} at {@code --aug 2}; a
 * command whose comment holds {@code [not tested: WHY]} is only parsed (GPU-sized work).
 * Relative paths are the README's: {@code weights/} and {@code ../shared/} (found walking up
 * from the repository, as {@code Paths.shared} does) are the repository's, anything else lands
 * in the scratch folder. Puzzle strings given to {@code solve} must have exactly one solution.
 */
class ReadmeExamplesTest {
    static final String NOT_TESTED = "[not tested:";
    private static final Pattern STEPS = Pattern.compile("--steps|--generate");
    private static final Pattern GENERATED = Pattern.compile("(gen(?:-maze)?:\\d+:)(\\d+)(.*)");

    @TempDir
    Path scratch;

    /** A README command: its 1-based line, its words after ./trm, and its comment. */
    record Example(int line, List<String> args, String comment) {
        String text() { return "README.md:" + line + ": ./trm " + String.join(" ", args); }
    }

    @Test
    void everyReadmeCommandRuns() throws IOException {
        Path repo = Path.of("").toAbsolutePath().getParent();
        List<Example> examples = examples(Files.readAllLines(repo.resolve("README.md")));
        assertTrue(examples.size() >= 20, "README.md should hold the ./trm examples; found " + examples.size());
        assertEquals(List.of("solve", "--trace"), examples.getFirst().args().subList(0, 2), "the README's first command solves with --trace");
        Path shared = shared(repo);
        String oldRoot = System.getProperty("trm.root");
        System.setProperty("trm.root", repo.toString());
        try {
            int ran = 0, skipped = 0;
            for (Example e : examples) {
                checkPuzzles(e);
                if (e.comment().contains(NOT_TESTED)) {
                    skipped++;
                    System.out.println("not run (" + e.comment().substring(e.comment().indexOf(NOT_TESTED)) + "): " + e.text());
                    continue;
                }
                List<String> args = rewrite(e, repo, shared);
                if (args == null) {
                    skipped++;
                    System.out.println("not run (no shared/ data beside the repository): " + e.text());
                    continue;
                }
                long t0 = System.nanoTime();
                CliTest.Result r = CliTest.run(args.toArray(String[]::new));
                System.out.printf("exit %d in %.1f s: %s%n", r.code(), (System.nanoTime() - t0) / 1e9, e.text());
                boolean ok = r.code() == Exit.OK || (r.code() == Exit.NO_VALID_RESULT && args.getFirst().equals("solve"));
                if (!ok) fail(e.text() + " exited " + r.code() + "\nstderr: " + r.err() + "\nstdout tail: "
                        + r.out().substring(Math.max(0, r.out().length() - 2000)));
                assertFalse(r.err().contains("\tat "), e.text() + " printed a stack trace: " + r.err());
                ran++;
            }
            System.out.println("README examples: " + ran + " run, " + skipped + " not run");
            assertTrue(ran >= 15, "too few README examples ran: " + ran);
        } finally {
            if (oldRoot == null) System.clearProperty("trm.root");
            else System.setProperty("trm.root", oldRoot);
        }
    }

    /** The ./trm lines of every fenced block (continuation lines joined), words split as a shell would. */
    static List<Example> examples(List<String> lines) {
        List<Example> out = new ArrayList<>();
        boolean inBlock = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.strip().startsWith("```")) {
                inBlock = !inBlock;
                continue;
            }
            if (!inBlock || !l.strip().startsWith("./trm ") && !l.strip().equals("./trm")) continue;
            int first = i;
            StringBuilder cmd = new StringBuilder();
            while (l.stripTrailing().endsWith("\\") && i + 1 < lines.size()) {
                String s = l.stripTrailing();
                cmd.append(s, 0, s.length() - 1).append(' ');
                l = lines.get(++i);
            }
            cmd.append(l);
            out.add(parse(first + 1, cmd.toString().strip()));
        }
        return out;
    }

    /** Splits a command line into words (single and double quotes) and its trailing {@code # comment}. */
    static Example parse(int line, String text) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        int i = 0;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else if (c == '#' && !inWord) {
                break;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) fail("README.md:" + line + ": unclosed quote");
        if (inWord) words.add(w.toString());
        assertEquals("./trm", words.getFirst(), "README.md:" + line);
        return new Example(line, List.copyOf(words.subList(1, words.size())), i < text.length() ? text.substring(i) : "");
    }

    /** The arguments to run: paths placed (null when the example needs shared/ data that is not here) and sizes capped. */
    private List<String> rewrite(Example e, Path repo, Path shared) {
        List<String> out = new ArrayList<>();
        List<String> a = e.args();
        for (int i = 0; i < a.size(); i++) {
            String w = a.get(i);
            if (i > 0 && STEPS.matcher(a.get(i - 1)).matches() && w.matches("\\d+")) {
                long n = Long.parseLong(w);
                out.add(Long.toString(a.get(i - 1).equals("--steps") ? Math.max(2, n / 100) : Math.min(n, 50)));
                continue;
            }
            Matcher gen = GENERATED.matcher(w);
            if (gen.matches()) { // gen:SIDE:COUNT... and gen-maze:SIZE:COUNT...: at most 24 puzzles
                out.add(gen.group(1) + Math.min(Long.parseLong(gen.group(2)), 24) + gen.group(3));
                continue;
            }
            String prefix = w.startsWith("arc:") ? "arc:" : w.startsWith("maze:") ? "maze:" : "";
            String path = w.substring(prefix.length());
            if (path.startsWith("../shared/")) {
                if (shared == null) return null;
                out.add(prefix + shared.resolve(path.substring("../shared/".length())));
            } else if (path.startsWith("weights/")) {
                out.add(prefix + repo.resolve(path));
            } else if (!w.startsWith("-") && !w.startsWith("gen") && looksLikePath(path)) {
                out.add(prefix + scratch.resolve(path));
            } else {
                out.add(w);
            }
        }
        if (a.size() >= 2 && a.get(0).equals("data") && a.get(1).equals("arc") && !a.contains("--aug")) {
            out.add("--aug");
            out.add("2");
        }
        return out;
    }

    private static boolean looksLikePath(String w) {
        return w.contains("/") || w.matches(".*\\.(csv|txt|png|json|safetensors|yaml|yml)");
    }

    /** The shared/ folder beside the repository or above it, or null. */
    private static Path shared(Path repo) {
        for (Path d = repo; d != null; d = d.getParent()) if (Files.isDirectory(d.resolve("shared/data"))) return d.resolve("shared");
        return null;
    }

    /** A puzzle string given to solve has exactly one solution (a README example with none taught users nothing). */
    private static void checkPuzzles(Example e) {
        if (!e.args().getFirst().equals("solve")) return;
        for (String w : e.args()) {
            SudokuGeometry g = w.startsWith("-") ? null : SudokuGeometry.forCellCountOrNull(w.length());
            if (g == null || !w.matches("[0-9.]+")) continue;
            SolveResult r = SudokuSolver.solve(g, SudokuText.parse(w));
            assertEquals(SolveResult.Outcome.UNIQUE, r.outcome(), e.text() + ": the puzzle " + w + " must have exactly one solution");
        }
    }

    /** The parser itself: continuation lines, quotes, comments, the not-tested mark. */
    @Test
    void parsesFencedCommands() {
        List<Example> ex = examples(List.of("text ./trm not-in-a-block", "```bash", "./trm train --data gen:4:4 \\",
                "    --steps 400 --run 'runs/a b'   # comment [not tested: why]", "echo no", "```", "./trm outside"));
        assertEquals(1, ex.size());
        assertEquals(3, ex.getFirst().line());
        assertEquals(List.of("train", "--data", "gen:4:4", "--steps", "400", "--run", "runs/a b"), ex.getFirst().args());
        assertTrue(ex.getFirst().comment().contains(NOT_TESTED));
    }
}
