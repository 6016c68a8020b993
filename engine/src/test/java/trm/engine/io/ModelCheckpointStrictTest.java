package trm.engine.io;

import org.junit.jupiter.api.Test;
import trm.engine.TrmException;
import trm.engine.cpu.CpuDevice;
import trm.engine.model.ParamLayout;
import trm.engine.model.TinyConfigs;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading is strict as the reference's load_state_dict(strict=True): a model tensor with no place is refused, never dropped. */
class ModelCheckpointStrictTest {
    private static SafetensorsFile file(List<TensorEntry> entries) {
        return Safetensors.decode(Safetensors.encode(Map.of(), entries), "w.safetensors");
    }

    @Test
    void aModelTensorTheConfigLacksIsRefusedOtherEntriesAreNot() {
        var cpu = new CpuDevice();
        TrmConfig learned = TinyConfigs.tiny(false, "learned", 2, 1), rope = TinyConfigs.tiny(false, "rope", 2, 1);
        TrmWeights source = new TrmWeights(learned, cpu).initialize(1);
        List<TensorEntry> entries = ModelCheckpoint.entries(source, source.params);
        // a learned-position model read with a RoPE config: embed_pos would be dropped silently
        TrmWeights target = new TrmWeights(rope, cpu);
        TrmException e = assertThrows(TrmException.class, () -> ModelCheckpoint.load(file(entries), target, target.params));
        assertTrue(e.getMessage().startsWith("w.safetensors: unexpected tensor " + ParamLayout.EMBED_POS), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        // torch.compile's spelling of the stray tensor is refused too
        List<TensorEntry> compiled = new ArrayList<>();
        for (TensorEntry t : entries) compiled.add(t.withName(TensorNames.COMPILE_PREFIX + t.name()));
        assertThrows(TrmException.class, () -> ModelCheckpoint.load(file(compiled), target, target.params));
        // entries outside the model (a training checkpoint's optimizer state) are not the loader's business
        List<TensorEntry> withState = new ArrayList<>(entries);
        withState.add(TensorEntry.f32("_trainer.adam_m", new float[3], 3));
        TrmWeights same = new TrmWeights(learned, cpu);
        ModelCheckpoint.load(file(withState), same, same.params);
        assertArrayEquals(cpu.toFloats(source.params), cpu.toFloats(same.params));
    }
}
