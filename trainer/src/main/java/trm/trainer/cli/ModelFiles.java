package trm.trainer.cli;

import trm.engine.Device;
import trm.engine.TrmException;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.io.SafetensorsFile;
import trm.engine.io.TensorEntry;
import trm.engine.model.ConfigFile;
import trm.engine.model.ParamLayout;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.trainer.data.sudoku.SudokuGeometry;

import java.nio.file.Path;

/** Loads a model checkpoint (ours, or the reference's converted to safetensors with --config). */
final class ModelFiles {
    static final String DEFAULT_WEIGHTS = "weights/sudoku6-mlp.safetensors";

    private ModelFiles() {}

    static TrmModel load(Path file, Path configOverride, Device device) {
        return load(file, configOverride, device, false);
    }

    /**
     * The model in {@code file}, its config from {@code configOverride} if given (ours or the
     * reference's: dataset-given keys it lacks come from the checkpoint's tensors, said on stderr),
     * else from the checkpoint. Strict unless {@code allowPartial}, which says what it skipped.
     */
    static TrmModel load(Path file, Path configOverride, Device device, boolean allowPartial) {
        SafetensorsFile f = Safetensors.read(file);
        TrmConfig config = configOverride != null ? config(configOverride, f) : ModelCheckpoint.config(f);
        TrmWeights w = new TrmWeights(config, device);
        if (allowPartial) w.initialize(0);
        ModelCheckpoint.Skipped skipped = ModelCheckpoint.load(f, w, w.params, allowPartial);
        if (!skipped.isEmpty()) System.err.println("trm: " + file + ": partial load: " + skipped.summary());
        return new TrmModel(w);
    }

    /** A config file for a checkpoint; the data keys it lacks are read off the tensors' shapes. */
    static TrmConfig config(Path configFile, SafetensorsFile f) {
        ConfigFile.Draft d = ConfigFile.read(configFile);
        ConfigFile.Completed c = d.complete(d.missingData().isEmpty() ? null : fromTensors(d, f));
        for (String note : c.notes()) System.err.println("trm: config: " + note);
        return c.config();
    }

    /** vocab_size and num_puzzle_identifiers from the embedding tables; seq_len from the Sudoku of that vocabulary (n + 2 tokens: n² cells). */
    private static ConfigFile.DataFields fromTensors(ConfigFile.Draft d, SafetensorsFile f) {
        TensorEntry embed = f.find(ParamLayout.EMBED_TOKENS).orElseThrow(() -> new TrmException(f.source()
                + ": no tensor " + ParamLayout.EMBED_TOKENS + " to read vocab_size from (give vocab_size in the config)"));
        int vocab = embed.shape()[0];
        int ids = f.find(ParamLayout.PUZZLE_EMB).map(t -> t.shape()[0]).orElse(1);
        int seqLen;
        String how;
        SudokuGeometry g = SudokuGeometry.forSideOrNull(vocab - 2);
        if (!d.missingData().contains("seq_len")) {
            seqLen = 0; // given by the config: not used
            how = "";
        } else if (g != null) {
            seqLen = g.cellCount();
            how = " (seq_len: the " + g.size() + "×" + g.size() + " Sudoku of that vocabulary)";
        } else {
            throw new TrmException(f.source() + ": cannot tell seq_len from a vocabulary of " + vocab + " (give seq_len in the config)");
        }
        return new ConfigFile.DataFields(seqLen, vocab, ids, "the checkpoint's tensors" + how);
    }
}
