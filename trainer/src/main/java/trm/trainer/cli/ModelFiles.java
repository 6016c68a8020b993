package trm.trainer.cli;

import trm.engine.Device;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.io.SafetensorsFile;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;

import java.nio.file.Path;

/** Loads a model checkpoint (ours, or the reference's converted to safetensors with --config). */
final class ModelFiles {
    static final String DEFAULT_WEIGHTS = "weights/sudoku6-mlp.safetensors";

    private ModelFiles() {}

    static TrmModel load(Path file, Path configOverride, Device device) {
        SafetensorsFile f = Safetensors.read(file);
        TrmConfig config = configOverride != null ? TrmConfig.read(configOverride) : ModelCheckpoint.config(f);
        TrmWeights w = new TrmWeights(config, device);
        ModelCheckpoint.load(f, w, w.params);
        return new TrmModel(w);
    }
}
