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
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void anHrmCheckpointADoubleSpellingAndMissingTensorsAreRefusedNamingThem() {
        var cpu = new CpuDevice();
        TrmConfig c = TinyConfigs.tiny(false, "rope", 2, 1);
        TrmWeights source = new TrmWeights(c, cpu).initialize(1);
        List<TensorEntry> entries = ModelCheckpoint.entries(source, source.params);
        // HRM-style tensors beside a TRM's: it would run as half a model
        List<TensorEntry> hrm = new ArrayList<>(entries);
        hrm.add(TensorEntry.f32("model.inner.H_level.layers.0.mlp.down_proj.weight", new float[4], 2, 2));
        hrm.add(TensorEntry.f32("model.inner.H_level.layers.1.mlp.down_proj.weight", new float[4], 2, 2));
        TrmWeights target = new TrmWeights(c, cpu);
        TrmException e = assertThrows(TrmException.class, () -> ModelCheckpoint.load(file(hrm), target, target.params));
        assertTrue(e.getMessage().contains("unexpected tensors model.inner.H_level.layers.0.mlp.down_proj.weight, model.inner.H_level.layers.1"), e.getMessage());
        // any name outside the model and the trainer's own state is unexpected too
        List<TensorEntry> stray = new ArrayList<>(entries);
        stray.add(TensorEntry.f32("optimizer.step", new float[1], 1));
        assertThrows(TrmException.class, () -> ModelCheckpoint.load(file(stray), target, target.params));
        // the same tensor under both spellings, different values: which one? refused
        List<TensorEntry> doubled = new ArrayList<>(entries);
        TensorEntry lm = entries.stream().filter(t -> t.name().equals(ParamLayout.LM_HEAD)).findFirst().orElseThrow();
        float[] other = lm.asFloats();
        other[0] += 1;
        doubled.add(TensorEntry.f32(TensorNames.COMPILE_PREFIX + lm.name(), other, lm.shape()));
        e = assertThrows(TrmException.class, () -> ModelCheckpoint.load(file(doubled), target, target.params));
        assertTrue(e.getMessage().contains("both spellings") && e.getMessage().contains(ParamLayout.LM_HEAD), e.getMessage());
        e = assertThrows(TrmException.class, () -> ModelCheckpoint.load(file(doubled), target, target.params, true));
        assertTrue(e.getMessage().contains("both spellings"), "even a partial load refuses it: " + e.getMessage());
        // missing tensors are named, all of them
        List<TensorEntry> partial = entries.stream().filter(t -> !t.name().equals(ParamLayout.LM_HEAD) && !t.name().equals(ParamLayout.H_INIT)).toList();
        e = assertThrows(TrmException.class, () -> ModelCheckpoint.load(file(partial), target, target.params));
        assertTrue(e.getMessage().contains(ParamLayout.LM_HEAD) && e.getMessage().contains(ParamLayout.H_INIT)
                && e.getMessage().contains("2 model tensors missing"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aPartialLoadSaysWhatItSkippedAndKeepsTheRest() {
        var cpu = new CpuDevice();
        TrmConfig c = TinyConfigs.tiny(false, "rope", 2, 1);
        TrmWeights source = new TrmWeights(c, cpu).initialize(1);
        List<TensorEntry> entries = new ArrayList<>(ModelCheckpoint.entries(source, source.params).stream()
                .filter(t -> !t.name().equals(ParamLayout.LM_HEAD)).toList());
        entries.add(TensorEntry.f32("model.inner.H_level.x", new float[2], 2));
        TrmWeights fresh = new TrmWeights(c, cpu).initialize(7);
        float[] freshLm = slice(cpu.toFloats(fresh.params), fresh.layout.get(ParamLayout.LM_HEAD));
        ModelCheckpoint.Skipped skipped = ModelCheckpoint.load(file(entries), fresh, fresh.params, true);
        assertEquals(List.of("model.inner.H_level.x"), skipped.unexpected());
        assertEquals(List.of(ParamLayout.LM_HEAD), skipped.missing());
        assertTrue(skipped.summary().contains("ignored 1 tensor the model lacks (model.inner.H_level.x)")
                && skipped.summary().contains("1 model tensor missing"), skipped.summary());
        float[] after = cpu.toFloats(fresh.params);
        assertArrayEquals(freshLm, slice(after, fresh.layout.get(ParamLayout.LM_HEAD)), "the missing tensor keeps its initialization");
        ParamLayout.Param emb = fresh.layout.get(ParamLayout.EMBED_TOKENS);
        assertArrayEquals(slice(cpu.toFloats(source.params), emb), slice(after, emb), "the present ones are loaded");
    }

    private static float[] slice(float[] all, ParamLayout.Param p) {
        return java.util.Arrays.copyOfRange(all, (int) p.offset(), (int) (p.offset() + p.numel()));
    }
}
