package trm.engine.io;

import trm.engine.Device;
import trm.engine.Tensor;
import trm.engine.TrmException;
import trm.engine.model.ParamLayout;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The model's tensors under the reference's state-dict names, so weights move between this
 * project and the PyTorch reference (which saves H_init / L_init in bf16, everything else in
 * fp32). The config travels in the metadata as JSON under {@link #CONFIG_KEY}.
 */
public final class ModelCheckpoint {
    public static final String CONFIG_KEY = "trm_config";
    public static final String FORMAT_KEY = "format";
    public static final String FORMAT = "trm-java/1";

    private ModelCheckpoint() {}

    /**
     * Entries for the model: the trained parameters read from {@code flat} (the live weights
     * or their EMA copy, same layout), the init buffers and the puzzle table.
     */
    public static List<TensorEntry> entries(TrmWeights w, Tensor flat) {
        Device dev = w.device;
        float[] all = dev.toFloats(flat);
        List<TensorEntry> out = new ArrayList<>();
        for (ParamLayout.Param p : w.layout.params()) {
            int off = Math.toIntExact(p.offset());
            out.add(TensorEntry.f32(p.name(), Arrays.copyOfRange(all, off, off + Math.toIntExact(p.numel())), p.shape()));
        }
        out.add(TensorEntry.bf16(ParamLayout.H_INIT, dev.toFloats(w.hInit), w.config.hiddenSize()));
        out.add(TensorEntry.bf16(ParamLayout.L_INIT, dev.toFloats(w.lInit), w.config.hiddenSize()));
        if (w.puzzleTable != null)
            out.add(TensorEntry.f32(ParamLayout.PUZZLE_EMB, dev.toFloats(w.puzzleTable), w.puzzleTable.shape()));
        return out;
    }

    /** The config stored in a checkpoint's metadata. */
    public static TrmConfig config(SafetensorsFile f) {
        String json = f.meta(CONFIG_KEY).orElseThrow(() -> new TrmException(
                f.source() + ": no model config in the checkpoint metadata (pass one with --config)"));
        return TrmConfig.fromJson(json, f.source() + " (config)");
    }

    /** Tensors under this prefix are a training checkpoint's own state (optimizer moments, carry), read by the trainer. */
    public static final String TRAINER_PREFIX = "_trainer.";

    /**
     * What a partial load left out: tensors of the file the model has no place for, and model
     * tensors the file lacks (left at their fresh initialization).
     */
    public record Skipped(List<String> unexpected, List<String> missing) {
        public Skipped {
            unexpected = List.copyOf(unexpected);
            missing = List.copyOf(missing);
        }

        public boolean isEmpty() { return unexpected.isEmpty() && missing.isEmpty(); }

        /** One line, e.g. "ignored 2 tensors the model lacks (…); 1 model tensor missing, left at its initialization (…)". */
        public String summary() {
            List<String> parts = new ArrayList<>();
            if (!unexpected.isEmpty()) parts.add("ignored " + count(unexpected.size(), "tensor") + " the model lacks (" + names(unexpected) + ")");
            if (!missing.isEmpty()) parts.add(count(missing.size(), "model tensor") + " missing, left at the fresh initialization (" + names(missing) + ")");
            return parts.isEmpty() ? "nothing skipped" : String.join("; ", parts);
        }
    }

    /**
     * Loads the model tensors into {@code w} (parameters into {@code flat}), strictly as the
     * reference's {@code load_state_dict(strict=True)}: every tensor of the file must have a place
     * in the model (or be a training checkpoint's own {@value #TRAINER_PREFIX} state), none may be
     * missing, names with torch.compile's {@code _orig_mod.} prefix are accepted but a tensor given
     * under both spellings is refused (which one holds the weights?). Each problem is one line
     * naming the tensors, e.g. an HRM checkpoint's {@code H_level.*} or the {@code embed_pos} of a
     * learned-position model read with a RoPE config.
     */
    public static void load(SafetensorsFile f, TrmWeights w, Tensor flat) {
        load(f, w, flat, false);
    }

    /**
     * As {@link #load(SafetensorsFile, TrmWeights, Tensor)}; with {@code allowPartial}, unexpected
     * tensors are ignored and missing ones keep what {@code w} holds (initialize it first), and the
     * result says which. Shapes must match and doubled spellings are refused either way.
     */
    public static Skipped load(SafetensorsFile f, TrmWeights w, Tensor flat, boolean allowPartial) {
        java.util.Set<String> expected = new java.util.LinkedHashSet<>();
        for (ParamLayout.Param p : w.layout.params()) expected.add(p.name());
        expected.add(ParamLayout.H_INIT);
        expected.add(ParamLayout.L_INIT);
        if (w.puzzleTable != null) expected.add(ParamLayout.PUZZLE_EMB);
        List<String> unexpected = new ArrayList<>(), doubled = new ArrayList<>();
        java.util.Set<String> present = new java.util.HashSet<>();
        for (String name : f.tensors().keySet()) {
            String plain = TensorNames.stripCompilePrefix(name);
            if (!plain.equals(name) && f.tensors().containsKey(plain)) doubled.add(plain);
            if (expected.contains(plain)) present.add(plain);
            else if (!plain.startsWith(TRAINER_PREFIX)) unexpected.add(name);
        }
        if (!doubled.isEmpty())
            throw new TrmException(f.source() + ": " + count(doubled.size(), "tensor") + " stored under both spellings, with and without "
                    + TensorNames.COMPILE_PREFIX + " (" + names(doubled) + "): which one is the model's is unclear");
        // a wrong shape first: it says more (e.g. another hidden_size) than the tensors it implies are missing
        for (ParamLayout.Param p : w.layout.params())
            if (present.contains(p.name())) checkShape(f, p.name(), p.shape());
        List<String> missing = expected.stream().filter(n -> !present.contains(n)).toList();
        if (!allowPartial && !unexpected.isEmpty())
            throw new TrmException(f.source() + ": unexpected tensor" + (unexpected.size() > 1 ? "s " : " ") + names(unexpected)
                    + " (the config has no such parameter; another architecture's checkpoint? --allow-partial ignores them)");
        if (!allowPartial && !missing.isEmpty())
            throw new TrmException(f.source() + ": no tensor " + names(missing) + (missing.size() > 1 ? " (" + missing.size() + " model tensors missing)" : "")
                    + " (--allow-partial keeps missing ones at their fresh initialization)");
        Device dev = w.device;
        float[] all = dev.toFloats(flat);
        for (ParamLayout.Param p : w.layout.params()) {
            if (!present.contains(p.name())) continue;
            float[] v = tensor(f, p.name(), p.shape());
            System.arraycopy(v, 0, all, Math.toIntExact(p.offset()), v.length);
        }
        dev.upload(flat, all);
        if (present.contains(ParamLayout.H_INIT)) dev.upload(w.hInit, tensor(f, ParamLayout.H_INIT, w.config.hiddenSize()));
        if (present.contains(ParamLayout.L_INIT)) dev.upload(w.lInit, tensor(f, ParamLayout.L_INIT, w.config.hiddenSize()));
        if (w.puzzleTable != null && present.contains(ParamLayout.PUZZLE_EMB))
            dev.upload(w.puzzleTable, tensor(f, ParamLayout.PUZZLE_EMB, w.puzzleTable.shape()));
        return new Skipped(unexpected, missing);
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** The first few names, then how many more. */
    private static String names(List<String> names) {
        int shown = Math.min(4, names.size());
        String s = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? s + ", and " + (names.size() - shown) + " more" : s;
    }

    /** A floating tensor by name with the expected shape, or a one-line error naming the mismatch. */
    public static float[] tensor(SafetensorsFile f, String name, int... shape) {
        return checkShape(f, name, shape).asFloats();
    }

    private static TensorEntry checkShape(SafetensorsFile f, String name, int... shape) {
        TensorEntry e = f.require(name);
        if (!Arrays.equals(e.shape(), shape))
            throw new TrmException(f.source() + ": tensor " + name + " has shape " + Arrays.toString(e.shape())
                    + " but the config needs " + Arrays.toString(shape));
        return e;
    }
}
