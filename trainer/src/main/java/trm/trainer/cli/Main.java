package trm.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import trm.engine.TrmException;

/** The {@code trm} command line. A user's mistake prints one line and exits 2; never a stack trace. Exit codes: {@link Exit}. */
@Command(name = "trm", mixinStandardHelpOptions = true, version = "trm-java 0.1.0",
        description = "Tiny Recursive Model: train, evaluate and solve puzzles.",
        subcommands = {SolveCommand.class, TrainCommand.class, EvalCommand.class, DataCommand.class, InfoCommand.class, PlotCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (OutOfMemoryError e) {
            System.err.println("trm: out of memory (raise TRM_HEAP, or lower --batch)");
            System.exit(Exit.OUT_OF_MEMORY);
        }
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof TrmException) {
                cmd.getErr().println("trm: " + e.getMessage());
                return Exit.USER_ERROR;
            }
            throw e;
        });
        cl.setParameterExceptionHandler((e, argv) -> {
            e.getCommandLine().getErr().println("trm: " + e.getMessage());
            e.getCommandLine().getErr().println("(see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return Exit.USER_ERROR;
        });
        return cl.execute(args);
    }
}
