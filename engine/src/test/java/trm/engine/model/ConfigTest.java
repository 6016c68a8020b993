package trm.engine.model;

import org.junit.jupiter.api.Test;
import trm.engine.LossKind;
import trm.engine.TrmException;
import trm.engine.cpu.CpuDevice;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    /**
     * Parameter counts (blocks + heads, puzzle table excluded), computed by hand from the spec:
     * sudoku-mlp = 11·512 (embed) + 2·(2·512·97 + 97·512 + 2·1536·512 + 512·1536) + 11·512 + 2·512 + 2.
     * The attention presets come to 6.83M: the spec's "≈7.3M" would need learned positions
     * (916·512 ≈ 0.47M more); the paper says 7M.
     */
    @Test
    void presetParameterCounts() {
        assertEquals(5_028_866, new ParamLayout(TrmConfig.preset("sudoku-mlp")).count());
        assertEquals(6_828_034, new ParamLayout(TrmConfig.preset("sudoku-att")).count());
        assertEquals(6_822_914, new ParamLayout(TrmConfig.preset("maze-att")).count());
        assertEquals(6_829_058, new ParamLayout(TrmConfig.preset("arc-att")).count());
        assertEquals(5.0e6, new ParamLayout(TrmConfig.preset("sudoku-mlp")).count(), 0.05e6);
    }

    @Test
    void derivedShapesMatchTheSpec() {
        TrmConfig c = TrmConfig.preset("sudoku-mlp");
        assertEquals(16, c.prefixLen());
        assertEquals(97, c.totalLen());
        assertEquals(1536, c.interChannels());
        assertEquals(512, c.interTokens());
        assertEquals(916, TrmConfig.preset("maze-att").totalLen());
        assertEquals(64, TrmConfig.preset("arc-att").headDim());
        // puzzle_emb_len 0: ceil(ndim / D)
        TrmConfig auto = TrmConfig.fromJson(TrmConfig.preset("sudoku-att").toJson().replace("\"puzzle_emb_len\" : 16", "\"puzzle_emb_len\" : 0"), "test");
        assertEquals(1, auto.prefixLen());
    }

    @Test
    void jsonRoundTripUsesTheReferenceKeys() {
        for (String p : TrmConfig.PRESETS) {
            TrmConfig c = TrmConfig.preset(p);
            String json = c.toJson();
            for (String key : new String[]{"hidden_size", "H_cycles", "L_cycles", "mlp_t", "puzzle_emb_len", "puzzle_emb_ndim", "halt_max_steps", "no_ACT_continue"})
                assertTrue(json.contains("\"" + key + "\""), key + " missing from " + json);
            assertEquals(c, TrmConfig.fromJson(json, "test"));
        }
        // keys of the reference's files that do not change the computation are accepted
        String withExtras = TrmConfig.preset("sudoku-att").toJson().replaceFirst("\\{", "{\"name\": \"recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1\", \"H_layers\": 0, \"forward_dtype\": \"bfloat16\",");
        assertEquals(TrmConfig.preset("sudoku-att"), TrmConfig.fromJson(withExtras, "test"));
    }

    @Test
    void buildersStartFromTheReferenceArchitecture() {
        TrmConfig c = TrmConfig.builder().seqLen(81).vocabSize(11).build();
        assertEquals(TrmConfig.preset("sudoku-att"), c);
        assertEquals(512, c.puzzleEmbNdim(), "puzzle_emb_ndim follows hidden_size");
        assertEquals(64, TrmConfig.builder().hiddenSize(64).seqLen(16).vocabSize(6).build().puzzleEmbNdim());
        assertEquals(PosEncoding.ROPE, c.posEncoding());
        assertEquals(LossKind.STABLEMAX, c.loss());
        assertEquals(c, c.toBuilder().build());
        TrmConfig narrow = c.toBuilder().hiddenSize(64).puzzleEmbNdim(64).lCycles(2).build();
        assertEquals(64, narrow.hiddenSize());
        assertEquals(2, narrow.lCycles());
        assertEquals(c.hCycles(), narrow.hCycles());
        assertMessage("seq_len", () -> TrmConfig.builder().build());
        // the enums are written under the reference's names, as the shipped weights/*.json hold them
        String json = TrmConfig.preset("sudoku-mlp").toJson();
        assertTrue(json.contains("\"pos_encodings\" : \"none\"") && json.contains("\"loss_type\" : \"stablemax\""), json);
        assertEquals(LossKind.STABLEMAX, TrmConfig.fromJson(json.replace("\"stablemax\"", "\"stablemax_cross_entropy\""), "test").loss());
    }

    @Test
    void theShippedConfigAndCheckpointStillLoad() {
        TrmConfig json = TrmConfig.read(java.nio.file.Path.of("../weights/sudoku6-mlp.json"));
        TrmConfig stored = trm.engine.io.ModelCheckpoint.config(trm.engine.io.Safetensors.read(java.nio.file.Path.of("../weights/sudoku6-mlp.safetensors")));
        assertEquals(json, stored);
        assertEquals(TrmConfig.builder().hiddenSize(64).hCycles(2).lCycles(2).mlpT(true).posEncoding(PosEncoding.NONE).puzzleEmbLen(1)
                .haltMaxSteps(6).seqLen(36).vocabSize(8).build(), json);
    }

    @Test
    void badConfigsGetAClearMessage() {
        String good = TrmConfig.preset("sudoku-mlp").toJson();
        assertMessage("unknown config key 'hiden_size'", () -> TrmConfig.fromJson(good.replace("\"hidden_size\"", "\"hiden_size\""), "c.json"));
        assertMessage("hidden_size", () -> TrmConfig.fromJson(good.replaceFirst("\"hidden_size\" : 512,", ""), "c.json"));
        assertMessage("not valid JSON", () -> TrmConfig.fromJson("{\"hidden_size\": ", "c.json"));
        assertMessage("pos_encodings must be", () -> TrmConfig.fromJson(good.replace("\"none\"", "\"sinusoid\""), "c.json"));
        assertMessage("unknown preset 'sudoku'", () -> TrmConfig.load("sudoku"));
        assertMessage("config file not found", () -> TrmConfig.load("missing.json"));
        assertMessage("unknown loss", () -> TrmConfig.fromJson(good.replace("\"stablemax\"", "\"hinge\""), "c.json"));
    }

    static void assertMessage(String expected, Runnable r) {
        TrmException e = assertThrows(TrmException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
        assertTrue(!e.getMessage().contains("\n"), "message is one line: " + e.getMessage());
    }

    @Test
    void initialisationFollowsTheReference() {
        TrmConfig c = TrmConfig.preset("sudoku-att");
        TrmWeights w = new TrmWeights(c, new CpuDevice()).initialize(0);
        float[] qkv = w.param(ParamLayout.layer(0, "self_attn.qkv_proj.weight")).device().toFloats(w.param(ParamLayout.layer(0, "self_attn.qkv_proj.weight")));
        double sum = 0, sq = 0, max = 0;
        for (float v : qkv) { sum += v; sq += v * v; max = Math.max(max, Math.abs(v)); }
        double std = Math.sqrt(sq / qkv.length - Math.pow(sum / qkv.length, 2));
        assertEquals(1 / Math.sqrt(512), std, 0.01 / Math.sqrt(512), "truncated normal with the corrected σ has std 1/√fan_in");
        assertTrue(max <= 2 * (1 / Math.sqrt(512)) / 0.8796 + 1e-6, "truncated at ±2σ'");
        var dev = w.device;
        for (float v : dev.toFloats(w.param(ParamLayout.Q_HEAD_W))) assertEquals(0f, v);
        for (float v : dev.toFloats(w.param(ParamLayout.Q_HEAD_B))) assertEquals(-5f, v);
        for (float v : dev.toFloats(w.puzzleTable)) assertEquals(0f, v);
        float[] h = dev.toFloats(w.hInit);
        double hs = 0;
        for (float v : h) hs += v * v;
        assertEquals(1.0, Math.sqrt(hs / h.length), 0.15, "H_init has std ≈ 1");
    }

    @Test
    void truncatedNormalStdIsCorrected() {
        float[] a = new float[200_000];
        TruncatedNormal.fill(a, 0, a.length, 0.5, new SplittableRandom(1));
        double sq = 0;
        for (float v : a) sq += v * v;
        assertEquals(0.5, Math.sqrt(sq / a.length), 0.005);
    }

    @Test
    void referenceScheduleCostsAbout2p1Exaflop() {
        // The developers' guide: 65 100 steps at batch 768 of sudoku-mlp ≈ 2.1 EFLOP.
        double total = TrmFlops.trainStep(TrmConfig.preset("sudoku-mlp"), 768) * 65_100;
        assertEquals(2.1e18, total, 0.1e18);
        // backward of the last cycle costs twice its forward
        TrmConfig c = TrmConfig.preset("sudoku-att");
        assertEquals(TrmFlops.forwardStep(c, 8) + 2 * (7 * TrmFlops.perApplication(c, 8) + TrmFlops.heads(c, 8)),
                TrmFlops.trainStep(c, 8), 1);
    }
}
