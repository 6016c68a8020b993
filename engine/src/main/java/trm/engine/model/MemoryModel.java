package trm.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import trm.engine.ScratchSizes;
import trm.engine.TrmException;

/**
 * The device memory a model takes at a batch size, in bytes, without allocating anything: the
 * parameters and every buffer the engine allocates beside them (as {@link TrmWeights},
 * {@link TrmModel} and the trainer do), and the {@link Workspace} measured by the very layout pass
 * that sizes its arena ({@link Workspace#measure}). What {@code trm info --batch B} prints.
 *
 * <p>Training (the trainer's buffers): weights, gradients, Adam's two moments, the EMA copy and
 * the live-weights backup used while evaluating, the puzzle table, the training workspace (saved
 * activations of the back-propagated cycle, and scratch, carry and batch), the trainer's slot
 * buffers, and the evaluation workspace the trainer keeps for batch min(B, 256). Evaluation:
 * weights, gradients (allocated with the model), the puzzle table and an evaluation workspace.
 * The device's private step scratch (kernel devices: split-K partial sums and the attention row
 * buffer, {@link ScratchSizes#stepScratch}) is part of the workspace's scratch. Not counted: the
 * CUDA context and the allocator's rounding.
 *
 * @param lines each part, in bytes
 */
public record MemoryModel(TrmConfig config, String device, int batch, boolean training, List<Part> lines) {
    /** One part of the total: a name, its bytes and how it is made up. */
    public record Part(String name, long bytes, String detail) {}

    /** The trainer evaluates at this batch at most (TrainCommand: min(batch, 256)). */
    public static final int TRAIN_EVAL_BATCH = 256;

    public long total() { return lines.stream().mapToLong(Part::bytes).sum(); }

    /** The bytes of the part named {@code name} (0 when absent). */
    public long bytes(String name) {
        return lines.stream().filter(p -> p.name().equals(name)).mapToLong(Part::bytes).sum();
    }

    /** The memory of {@code config} at {@code batch} on a device with these sizes. */
    public static MemoryModel of(TrmConfig c, ScratchSizes sizes, String device, int batch, boolean training) {
        var parts = new ArrayList<Part>();
        ParamLayout layout = new ParamLayout(c);
        long params = 4L * layout.size();
        long rope = c.rope() ? 2L * 4 * c.totalLen() * c.headDim() : 0;
        parts.add(new Part("weights", params + 2L * 4 * c.hiddenSize() + rope,
                String.format(Locale.ROOT, "%,d fp32 parameters (padded to %,d), H_init/L_init%s", layout.count(), layout.size(),
                        rope > 0 ? ", RoPE tables" : "")));
        parts.add(new Part("gradients", params, "fp32, same layout"));
        if (training) {
            parts.add(new Part("optimizer state", 2 * params, "Adam m and v, fp32"));
            parts.add(new Part("EMA", 2 * params, "EMA copy and the live-weights backup used while evaluating"));
        }
        long table = c.puzzleEmbNdim() > 0 ? 4L * c.numPuzzleIdentifiers() * c.puzzleEmbNdim() : 0;
        parts.add(new Part("puzzle table", table, String.format(Locale.ROOT, "[%,d, %d] fp32", c.numPuzzleIdentifiers(), c.puzzleEmbNdim())));
        Workspace ws = Workspace.measure(c, sizes, batch, training);
        long saved = ws.savedActivationBytes();
        if (training)
            parts.add(new Part("saved activations", saved, String.format(Locale.ROOT, "%d network applications × %d blocks, %s%s",
                    c.lCycles() + 1, c.layers(), sizes.activationDType(c.mlpT()) == trm.engine.DType.BF16 ? "bf16" : "fp32",
                    sizes.channelMlpRecomputes() ? " (MLP gate_up and act recomputed in backward)" : "")));
        parts.add(new Part("scratch", ws.arena.bytes() - saved, "batch, carry, embeddings, heads, one no-gradient block, half-block scratch"
                + (sizes.stepScratch(Workspace.stepShape(c, batch, training)) > 0 ? ", device step scratch (split-K partial sums, attention rows)" : "")
                + (training ? ", backward buffers" : "")));
        if (training) {
            long S = c.seqLen();
            parts.add(new Part("trainer buffers", 4L * batch * (2 * S + 3) + 4L * trm.engine.Ops.Metric.COLUMNS, "slot state and fresh samples"));
            int evalBatch = Math.min(batch, TRAIN_EVAL_BATCH);
            parts.add(new Part("evaluation workspace", Workspace.measure(c, sizes, evalBatch, false).arena.bytes(),
                    "the trainer's, at batch " + evalBatch));
        }
        return new MemoryModel(c, device, batch, training, List.copyOf(parts));
    }

    /**
     * The largest batch whose total fits in {@code memoryBytes} (0 when not even batch 1 does),
     * at most the engine's batch limit for this config.
     */
    public static int maxBatch(TrmConfig c, ScratchSizes sizes, String device, boolean training, long memoryBytes) {
        long hi = Workspace.MAX_DIM / c.totalLen();
        if (c.mlpT()) hi = Math.min(hi, Workspace.MAX_DIM / c.hiddenSize());
        if (!fits(c, sizes, device, 1, training, memoryBytes)) return 0;
        int lo = 1, top = (int) Math.min(hi, Integer.MAX_VALUE);
        while (lo < top) { // invariant: lo fits; the total grows with the batch
            int mid = (int) ((lo + (long) top + 1) / 2);
            if (fits(c, sizes, device, mid, training, memoryBytes)) lo = mid;
            else top = mid - 1;
        }
        return lo;
    }

    /** A batch too large to be laid out at all (a buffer beyond any device) does not fit either. */
    private static boolean fits(TrmConfig c, ScratchSizes sizes, String device, int batch, boolean training, long memoryBytes) {
        try {
            return of(c, sizes, device, batch, training).total() <= memoryBytes;
        } catch (TrmException e) {
            return false;
        }
    }

    /**
     * Bytes from a size with a unit: 141GiB, 141GB, 80G (= GiB), 512MiB, 1TB; a bare number is
     * bytes. Decimal units (KB, MB, GB, TB) are powers of 1000, binary ones (KiB, MiB, GiB, TiB,
     * and K, M, G, T) powers of 1024.
     */
    public static long parseBytes(String text) {
        String t = text.strip().replace("_", "");
        var m = java.util.regex.Pattern.compile("(?i)([0-9]+(?:\\.[0-9]+)?)\\s*([kmgt]?)(i?)(b?)").matcher(t);
        if (!m.matches()) throw new TrmException("memory '" + text + "': expected a size such as 141GiB, 141GB or 80G");
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        boolean binary = !m.group(3).isEmpty() || m.group(4).isEmpty();
        if (!m.group(3).isEmpty() && unit.isEmpty()) throw new TrmException("memory '" + text + "': 'i' needs a unit (KiB, MiB, GiB, TiB)");
        int power = unit.isEmpty() ? 0 : "KMGT".indexOf(unit) + 1;
        double bytes = v * Math.pow(binary ? 1024 : 1000, power);
        if (bytes < 1 || bytes >= 0x1p62) throw new TrmException("memory '" + text + "': out of range");
        return (long) bytes;
    }

    /** bytes as GB (10⁹ bytes), two decimals. */
    public static String gb(long bytes) { return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9); }

    /** The table {@code trm info --batch} prints. */
    public String render() {
        var sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "memory on %s, batch %d, %s:%n", device, batch, training ? "training" : "evaluation"));
        for (Part p : lines)
            sb.append(String.format(Locale.ROOT, "  %-22s %12s %,20d B   %s%n", p.name(), gb(p.bytes()), p.bytes(), p.detail()));
        sb.append(String.format(Locale.ROOT, "  %-22s %12s %,20d B%n", "total", gb(total()), total()));
        return sb.toString();
    }
}
