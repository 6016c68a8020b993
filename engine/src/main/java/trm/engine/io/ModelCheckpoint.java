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

    /**
     * Loads the model tensors into {@code w} (parameters into {@code flat}), checking every
     * name and shape; names with torch.compile's {@code _orig_mod.} prefix are accepted.
     * Strict as the reference's {@code load_state_dict(strict=True)}: a model tensor
     * ({@code model.…}) the config has no place for is an error, not silently dropped (e.g.
     * {@code embed_pos} of a learned-position model loaded with a RoPE config). Other
     * entries (a training checkpoint's optimizer state) are left to their readers.
     */
    public static void load(SafetensorsFile f, TrmWeights w, Tensor flat) {
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (ParamLayout.Param p : w.layout.params()) expected.add(p.name());
        expected.add(ParamLayout.H_INIT);
        expected.add(ParamLayout.L_INIT);
        if (w.puzzleTable != null) expected.add(ParamLayout.PUZZLE_EMB);
        for (String name : f.tensors().keySet()) {
            String plain = TensorNames.stripCompilePrefix(name);
            if (plain.startsWith("model.") && !expected.contains(plain))
                throw new TrmException(f.source() + ": unexpected tensor " + name + " (the config has no such parameter)");
        }
        Device dev = w.device;
        float[] all = new float[Math.toIntExact(flat.numel())];
        for (ParamLayout.Param p : w.layout.params()) {
            float[] v = tensor(f, p.name(), p.shape());
            System.arraycopy(v, 0, all, Math.toIntExact(p.offset()), v.length);
        }
        dev.upload(flat, all);
        dev.upload(w.hInit, tensor(f, ParamLayout.H_INIT, w.config.hiddenSize()));
        dev.upload(w.lInit, tensor(f, ParamLayout.L_INIT, w.config.hiddenSize()));
        if (w.puzzleTable != null) dev.upload(w.puzzleTable, tensor(f, ParamLayout.PUZZLE_EMB, w.puzzleTable.shape()));
    }

    /** A floating tensor by name with the expected shape, or a one-line error naming the mismatch. */
    public static float[] tensor(SafetensorsFile f, String name, int... shape) {
        TensorEntry e = f.require(name);
        if (!Arrays.equals(e.shape(), shape))
            throw new TrmException(f.source() + ": tensor " + name + " has shape " + Arrays.toString(e.shape())
                    + " but the config needs " + Arrays.toString(shape));
        return e.asFloats();
    }
}
