package trm.bench;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;

/**
 * How the bench mains parse their arguments: each is a picocli {@code @Command} (with
 * {@code --help} and {@code --version}) run by {@link #run}. An unknown option or a bad value
 * prints one line to stderr ({@code trm.bench.X: Unknown option: '--bogus' (see --help)}) and
 * exits 2; the command's own result is the exit code otherwise (0 done, 1 a failed check or
 * a device that would not open).
 */
final class BenchCli {
    private BenchCli() {}

    /** What {@code --version} prints for every bench main. */
    static final String VERSION = "trm-java 0.1.0";

    /** The exit code of a usage error (picocli's {@link CommandLine.ExitCode#USAGE}). */
    static final int USAGE = CommandLine.ExitCode.USAGE;

    /** Parses {@code args} into {@code command}, runs it, and returns its exit code; nothing exits the JVM. */
    static int run(Callable<Integer> command, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, argv) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandName() + ": " + e.getMessage() + " (see --help)");
            c.getErr().flush();
            return USAGE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** {@link #run} on stdout and stderr, exiting the JVM with the code when it is not 0 (a main's body). */
    static void main(Callable<Integer> command, String... args) {
        int code = run(command, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        if (code != 0) System.exit(code);
    }

    /** {@code --device}: "sim" or "cuda", else a usage error. */
    static String device(CommandLine.Model.CommandSpec spec, String device) {
        if (!device.equals("sim") && !device.equals("cuda")) throw bad(spec, "--device must be sim or cuda, got '" + device + "'");
        return device;
    }

    /** A preset by name ({@link trm.engine.model.TrmConfig#preset}), an unknown one a usage error. */
    static trm.engine.model.TrmConfig preset(CommandLine.Model.CommandSpec spec, String name) {
        try {
            return trm.engine.model.TrmConfig.preset(name);
        } catch (trm.engine.TrmException e) {
            throw bad(spec, e.getMessage());
        }
    }

    /** Refuses {@code value} below {@code min} for {@code option} as a usage error. */
    static int atLeast(CommandLine.Model.CommandSpec spec, String option, int value, int min) {
        if (value < min) throw bad(spec, option + " must be at least " + min + ", got " + value);
        return value;
    }

    /** A bad value found after parsing (e.g. a batch below 1): the same one line and exit 2 as a parse error. */
    static CommandLine.ParameterException bad(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
