package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trm.engine.TrmException;
import trm.trainer.run.RunFolder;
import trm.trainer.run.TrainingCurves;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code trm plot --run DIR}: redraws a run's training curves from its metrics.jsonl (also while it trains). */
@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw a run's training curves (lm_loss, exact accuracy, q_halt accuracy, supervision steps vs step; train and eval)",
                "from RUN/metrics.jsonl into RUN/" + TrainingCurves.FILE + " (or --out FILE). trm train draws the same picture at each evaluation."})
final class PlotCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "the run folder (trm train --run DIR)") Path run;
    @Option(names = "--out", description = "the PNG to write (default: RUN/" + TrainingCurves.FILE + ")") Path out;

    @Override
    public Integer call() {
        if (!Files.isDirectory(run)) throw new TrmException("--run " + run + ": no such folder");
        Path metrics = run.resolve(RunFolder.METRICS);
        Path png = out != null ? out : run.resolve(TrainingCurves.FILE);
        Options.outputFile("--out", png);
        Path name = run.toAbsolutePath().normalize().getFileName();
        int records = TrainingCurves.write(metrics, png, name == null ? "run" : name.toString());
        System.out.println("training curves (" + records + " records of " + metrics + "): " + png);
        return Exit.OK;
    }
}
