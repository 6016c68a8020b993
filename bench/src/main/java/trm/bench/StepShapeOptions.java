package trm.bench;

import picocli.CommandLine.Model.CommandSpec;

import trm.engine.model.TrmConfig;
import trm.kernels.KernelDevice;
import picocli.CommandLine.Option;

/**
 * The step-shape options {@link GraphCheck} and {@link LaunchCounts} share, as a picocli mixin:
 * the kernel device, samples per supervision step, and an optional narrower hidden size.
 */
final class StepShapeOptions {
    @Option(names = "--device", defaultValue = "sim", paramLabel = "sim|cuda", description = "the kernel device (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B", description = "samples per step, >= 1 (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--width", defaultValue = "0", paramLabel = "W", description = "hidden size; 0: the preset's (default: ${DEFAULT-VALUE})")
    int width;

    /** Refuses a bad device, batch or width with picocli's one-line usage error (exit 2). */
    void validate(CommandSpec spec) {
        BenchCli.device(spec, device);
        BenchCli.atLeast(spec, "--batch", batch, 1);
        BenchCli.atLeast(spec, "--width", width, 0);
    }

    /** {@code c} at {@code --width} (unchanged when it is 0, the preset's own width). */
    TrmConfig at(TrmConfig c) {
        return width > 0 ? LaunchCounts.narrow(c, width) : c;
    }

    /** A preset's name in the output: {@code sudoku-mlp@64} when narrowed. */
    String label(String preset) {
        return width > 0 ? preset + "@" + width : preset;
    }

    /** Opens {@code --device}; a missing GPU, driver or simulator library throws {@code TrmException}. */
    KernelDevice open() {
        return LaunchCounts.open(device);
    }
}
