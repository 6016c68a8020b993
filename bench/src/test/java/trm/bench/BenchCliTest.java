package trm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bench mains' command lines (picocli through {@link BenchCli}): {@code --help} lists every
 * option a main had before picocli, and a bad option or value is one line on stderr with exit
 * code 2, before anything runs (no device is opened: these cases need no simulator).
 */
class BenchCliTest {
    /** What one run printed and returned. */
    record Run(int code, String out, String err) {}

    static Run run(Callable<Integer> command, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = BenchCli.run(command, new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Each main, the options its --help must list, and its required options (so that only --bogus is wrong). */
    static List<Arguments> mains() {
        return List.of(
                Arguments.of((Supplier<Callable<Integer>>) GraphCheck::new, List.of("--device", "--batch", "--width", "--steps", "--tiny", "preset"),
                        List.of()),
                Arguments.of((Supplier<Callable<Integer>>) LaunchCounts::new, List.of("--device", "--batch", "--width", "preset"), List.of()),
                Arguments.of((Supplier<Callable<Integer>>) KernelBench::new,
                        List.of("--device", "--shapes", "--peak-tflops", "--peak-gbs", "--iters", "--json"), List.of("--device", "sim")),
                Arguments.of((Supplier<Callable<Integer>>) ServeLoad::new,
                        List.of("--port", "--puzzles", "--clients", "--requests", "--seconds", "--label"),
                        List.of("--port", "8080", "--puzzles", "p.txt")),
                Arguments.of((Supplier<Callable<Integer>>) MatmulTable::new, List.of("-r", "-wi", "-i", "-t", "-f", "-v", "-interleave", "op:M:K:N"), List.of()),
                Arguments.of((Supplier<Callable<Integer>>) StepGemmGrids::new, List.of("preset", "batch"), List.of()),
                Arguments.of((Supplier<Callable<Integer>>) StepPrediction::new, List.of("batch"), List.of()),
                Arguments.of((Supplier<Callable<Integer>>) KernelCounts::new, List.of("--help"), List.of()));
    }

    @ParameterizedTest
    @MethodSource("mains")
    void helpListsTheOptionsAndAnUnknownOneIsOneLineAndExitTwo(Supplier<Callable<Integer>> main, List<String> options, List<String> required) {
        Run help = run(main.get(), "--help");
        assertEquals(0, help.code(), help.toString());
        for (String o : options) assertTrue(help.out().contains(o), "--help lacks " + o + ":\n" + help.out());
        assertTrue(help.out().startsWith("Usage: trm.bench."), help.out());

        List<String> args = new java.util.ArrayList<>(required);
        args.add("--bogus");
        Run bad = run(main.get(), args.toArray(String[]::new));
        assertEquals(2, bad.code(), bad.toString());
        assertEquals("", bad.out(), "nothing ran");
        assertEquals(1, bad.err().lines().count(), "one line: " + bad.err());
        assertTrue(bad.err().matches("trm\\.bench\\.\\w+: Unknown option: '--bogus'.* \\(see --help\\)\\n"), bad.err());
    }

    /** Each bad value: the main, its arguments, the one line it must print. */
    static List<Arguments> badValues() {
        return List.of(
                Arguments.of((Supplier<Callable<Integer>>) GraphCheck::new, new String[] {"--batch", "two"},
                        "trm.bench.GraphCheck: Invalid value for option '--batch': 'two' is not an int (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) GraphCheck::new, new String[] {"--batch", "0"},
                        "trm.bench.GraphCheck: --batch must be at least 1, got 0 (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) GraphCheck::new, new String[] {"--device", "tpu"},
                        "trm.bench.GraphCheck: --device must be sim or cuda, got 'tpu' (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) LaunchCounts::new, new String[] {"sudoku-xl"},
                        "trm.bench.LaunchCounts: unknown preset 'sudoku-xl' (known: sudoku-mlp, sudoku-att, maze-att, arc-att) (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) LaunchCounts::new, new String[] {"--steps", "2"},
                        "trm.bench.LaunchCounts: Unknown option: '--steps' (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) KernelBench::new, new String[] {"--shapes", "tiny"},
                        "trm.bench.KernelBench: Missing required option: '--device=sim|cuda' (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) KernelBench::new, new String[] {"--device", "sim", "--shapes", "huge"},
                        "trm.bench.KernelBench: --shapes reference|tiny, got huge (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) ServeLoad::new, new String[] {"--port", "8080"},
                        "trm.bench.ServeLoad: Missing required option: '--puzzles=FILE' (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) MatmulTable::new, new String[] {"mm:1:2"},
                        "trm.bench.MatmulTable: shape is op:M:K:N, got mm:1:2 (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) MatmulTable::new, new String[] {"fwd:64:x:8"},
                        "trm.bench.MatmulTable: shape is op:M:K:N with whole numbers M, K, N, got fwd:64:x:8 (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) MatmulTable::new, new String[] {"-wi", "2", "mm:1:2:3"},
                        "trm.bench.MatmulTable: op must be fwd, bwdIn or bwdW: mm (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) StepGemmGrids::new, new String[] {"sudoku-mlp", "-3"},
                        "trm.bench.StepGemmGrids: batch must be at least 1, got -3 (see --help)"),
                Arguments.of((Supplier<Callable<Integer>>) StepPrediction::new, new String[] {"768", "1"},
                        "trm.bench.StepPrediction: Unmatched argument at index 1: '1' (see --help)"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void aBadValueIsOneLineAndExitTwo(Supplier<Callable<Integer>> main, String[] args, String line) {
        Run r = run(main.get(), args);
        assertEquals(2, r.code(), r.toString());
        assertEquals(line + "\n", r.err());
        assertEquals("", r.out(), "nothing ran");
    }

    @Test
    void helpShowsTheDefaultsTheMainsHadBeforePicocli() {
        String g = run(new GraphCheck(), "--help").out();
        for (String d : List.of("sim|cuda   the kernel device (default: sim)", "samples per step, >= 1 (default: 1)",
                "hidden size; 0: the preset's (default: 0)", "steps per step kind, >= 1 (default: 3)"))
            assertTrue(g.contains(d), "GraphCheck --help lacks '" + d + "':\n" + g);
        String s = run(new ServeLoad(), "--help").out();
        for (String d : List.of("concurrent clients (default: 1)", "requests at most (default: 200)", "seconds at most (default: 10)"))
            assertTrue(s.contains(d), "ServeLoad --help lacks '" + d + "':\n" + s);
        String k = run(new KernelBench(), "--help").out();
        assertTrue(k.contains("(default: reference)"), k);
        String m = run(new MatmulTable(), "-h").out();
        for (String d : List.of("(default: 1)", "(default: 3)", "(default: 5)", "(default: 2)"))
            assertTrue(m.contains(d), "MatmulTable -h lacks '" + d + "':\n" + m);
    }
}
