package trm.trainer.serve;

import trm.engine.cpu.CpuDevice;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.io.SafetensorsFile;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.trainer.data.sudoku.SudokuExample;
import trm.trainer.data.sudoku.SudokuGenerator;
import trm.trainer.data.sudoku.SudokuGeometry;

import java.nio.file.Path;
import java.util.List;

/** The shipped 6×6 model on the cpu, and fresh 6×6 puzzles for it (its halting varies from 1 to 6 steps). */
final class ShippedModel {
    static final Path WEIGHTS = Path.of("../weights/sudoku6-mlp.safetensors");

    private ShippedModel() {}

    static TrmModel load() {
        SafetensorsFile f = Safetensors.read(WEIGHTS);
        TrmWeights w = new TrmWeights(ModelCheckpoint.config(f), new CpuDevice());
        ModelCheckpoint.load(f, w, w.params);
        return new TrmModel(w);
    }

    static List<int[]> puzzles(int count, long seed) {
        return new SudokuGenerator(SudokuGeometry.SIX, seed).generate(count, SudokuGenerator.Target.any(), "test").stream()
                .map(SudokuExample::question).toList();
    }
}
