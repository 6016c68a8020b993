package trm.engine.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.LossKind;
import trm.engine.TrmException;
import trm.engine.cpu.CpuDevice;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference's own arch config is read (YAML or JSON, nested or flattened); wrong types and absurd values are refused in one line. */
class ConfigFileTest {
    @TempDir
    Path dir;

    /** config/arch/trm.yaml of TinyRecursiveModels, as the reference ships it. */
    static final String REFERENCE_YAML = """
            name: recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1
            loss:
              name: losses@ACTLossHead
              loss_type: stablemax_cross_entropy

            halt_exploration_prob: 0.1
            halt_max_steps: 16

            H_cycles: 3
            L_cycles: 6

            H_layers: 0
            L_layers: 2

            hidden_size: 512
            num_heads: 8  # min(2, hidden_size // 64)
            expansion: 4

            puzzle_emb_ndim: ${.hidden_size}

            pos_encodings: rope
            forward_dtype: bfloat16

            mlp_t: False # use mlp on L instead of transformer
            puzzle_emb_len: 16 # if non-zero, its specified to this value
            no_ACT_continue: True
            """;

    static final ConfigFile.DataFields SUDOKU = new ConfigFile.DataFields(81, 11, 1, "the data");

    @Test
    void theReferenceYamlReadsWithItsDefaultsAndTheDataFields() throws Exception {
        Path yaml = dir.resolve("trm.yaml");
        Files.writeString(yaml, REFERENCE_YAML);
        ConfigFile.Draft d = ConfigFile.read(yaml);
        assertEquals(java.util.List.of("seq_len", "vocab_size", "num_puzzle_identifiers"), d.missingData());
        ConfigFile.Completed c = d.complete(SUDOKU);
        assertEquals(TrmConfig.preset("sudoku-att"), c.config(), "the reference's arch on Sudoku is our sudoku-att preset");
        String notes = String.join("\n", c.notes());
        assertTrue(notes.contains("rms_norm_eps 1.0E-5: the reference's default"), notes);
        assertTrue(notes.contains("rope_theta 10000.0: the reference's default"), notes);
        assertTrue(notes.contains("puzzle_emb_ndim 512: from hidden_size"), notes);
        assertTrue(notes.contains("seq_len 81: from the data") && notes.contains("vocab_size 11: from the data"), notes);
        assertTrue(notes.contains("forward_dtype \"bfloat16\": ignored"), notes);
        // without the data, the dataset-given keys are named, all at once
        TrmException e = assertThrows(TrmException.class, d::complete);
        assertTrue(e.getMessage().contains("missing config keys 'seq_len', 'vocab_size', 'num_puzzle_identifiers'"), e.getMessage());
    }

    @Test
    void flattenedJsonAndTheArchSectionOfARunConfigReadTheSame() throws Exception {
        String flat = """
                {"name": "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1", "loss.name": "losses@ACTLossHead",
                 "loss.loss_type": "stablemax_cross_entropy", "halt_exploration_prob": 0.1, "halt_max_steps": 16,
                 "H_cycles": 3, "L_cycles": 6, "H_layers": 0, "L_layers": 2, "hidden_size": 512, "num_heads": 8,
                 "expansion": 4, "puzzle_emb_ndim": 512, "pos_encodings": "rope", "forward_dtype": "bfloat16",
                 "mlp_t": false, "puzzle_emb_len": 16, "no_ACT_continue": true}""";
        TrmConfig fromFlat = ConfigFile.parse(flat, "flat.json", false).complete(SUDOKU).config();
        assertEquals(TrmConfig.preset("sudoku-att"), fromFlat);
        String allConfig = "arch:\n" + REFERENCE_YAML.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n")
                + "global_batch_size: 768\nlr: 1e-4\n";
        ConfigFile.Completed fromRun = ConfigFile.parse(allConfig, "all_config.yaml", true).complete(SUDOKU);
        assertEquals(fromFlat, fromRun.config());
        assertTrue(fromRun.notes().getFirst().contains("'arch' section"), fromRun.notes().toString());
        // a dotted "arch." prefix is the same key
        assertEquals(fromFlat, ConfigFile.parse(flat.replace("\"hidden_size\"", "\"arch.hidden_size\""), "f.json", false).complete(SUDOKU).config());
    }

    @Test
    void aConfigMappedFromTheReferenceRoundTripsThroughOurCheckpoint() throws Exception {
        String small = REFERENCE_YAML.replace("hidden_size: 512", "hidden_size: 32").replace("num_heads: 8", "num_heads: 2")
                .replace("L_layers: 2", "L_layers: 1").replace("H_cycles: 3", "H_cycles: 1").replace("L_cycles: 6", "L_cycles: 1")
                .replace("puzzle_emb_len: 16", "puzzle_emb_len: 1");
        TrmConfig c = ConfigFile.parse(small, "trm.yaml", true).complete(new ConfigFile.DataFields(16, 6, 1, "the data")).config();
        TrmWeights w = new TrmWeights(c, new CpuDevice()).initialize(3);
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, Map.of(ModelCheckpoint.CONFIG_KEY, c.toJson()), ModelCheckpoint.entries(w, w.params));
        TrmConfig back = ModelCheckpoint.config(Safetensors.read(f));
        assertEquals(c, back);
        TrmWeights loaded = new TrmWeights(back, new CpuDevice());
        ModelCheckpoint.load(Safetensors.read(f), loaded, loaded.params);
    }

    @Test
    void wrongJsonTypesAreRefusedNotCoerced() {
        String good = TrmConfig.preset("sudoku-mlp").toJson();
        refused("hidden_size must be a whole number, not the string \"64\"", good.replace("\"hidden_size\" : 512", "\"hidden_size\" : \"64\""));
        refused("hidden_size must be a whole number, not the number 64.7", good.replace("\"hidden_size\" : 512", "\"hidden_size\" : 64.7"));
        refused("mlp_t must be true or false, not the number 1", good.replace("\"mlp_t\" : true", "\"mlp_t\" : 1"));
        refused("expansion must be a number, not the string \"4\"", good.replace("\"expansion\" : 4.0", "\"expansion\" : \"4\""));
        refused("pos_encodings must be a string, not null", good.replace("\"pos_encodings\" : \"none\"", "\"pos_encodings\" : null"));
        refused("hidden_size 3000000000 is over the limit of 2147483647", good.replace("\"hidden_size\" : 512", "\"hidden_size\" : 3000000000"));
        refused("given twice", "{\"loss\": {\"loss_type\": \"softmax\"}, \"loss_type\": \"softmax\"}");
        refused("not the reference's TRM", good.replaceFirst("\\{", "{\"name\": \"hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1\","));
    }

    @Test
    void valuesAreBoundedWithTheLimitNamed() {
        String good = TrmConfig.preset("sudoku-mlp").toJson();
        refused("H_cycles 1000000 is over the limit of " + TrmConfig.MAX_CYCLES, good.replace("\"H_cycles\" : 3", "\"H_cycles\" : 1000000"));
        refused("rms_norm_eps 1.0E300 is over the limit of 1.0", good.replace("\"rms_norm_eps\" : 1.0E-5", "\"rms_norm_eps\" : 1e300"));
        refused("hidden_size 1000000 is over the limit of " + TrmConfig.MAX_HIDDEN, good.replace("\"hidden_size\" : 512", "\"hidden_size\" : 1000000"));
        refused("seq_len 1000000 is over the limit of " + TrmConfig.MAX_SEQ_LEN, good.replace("\"seq_len\" : 81", "\"seq_len\" : 1000000"));
        refused("expansion 1000000.0", good.replace("\"expansion\" : 4.0", "\"expansion\" : 1e6")); // issue 10's SwiGLU width bound says it first
        refused("vocab_size 2147483647 is above the limit of " + TrmConfig.MAX_WIDTH, good.replace("\"vocab_size\" : 11", "\"vocab_size\" : 2147483647"));
        refused("L_layers 1000000 is over the limit of " + TrmConfig.MAX_LAYERS, good.replace("\"L_layers\" : 2", "\"L_layers\" : 1000000"));
        // sizes are computed in 64 bits: each value within its limit, the product is not
        refused("puzzle_emb (num_puzzle_identifiers · puzzle_emb_ndim) would hold", good.replace("\"num_puzzle_identifiers\" : 1", "\"num_puzzle_identifiers\" : 60000000"));
        TrmException e = assertThrows(TrmException.class, () -> TrmConfig.builder().hiddenSize(20000).seqLen(16).vocabSize(6).build());
        assertTrue(e.getMessage().contains("hidden_size 20000 is over the limit of " + TrmConfig.MAX_HIDDEN), e.getMessage());
    }

    @Test
    void nonUtf8ConfigNamesTheLine() throws Exception {
        Path f = dir.resolve("bad.yaml");
        byte[] text = "hidden_size: 64\nname: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, text);
        TrmException e = assertThrows(TrmException.class, () -> ConfigFile.read(f));
        assertEquals(f + ":2: not UTF-8 text (a malformed byte sequence after byte 16)", e.getMessage());
    }

    @Test
    void ourOwnJsonStillRoundTripsAndTheLossIsMapped() {
        for (String p : TrmConfig.PRESETS) assertEquals(TrmConfig.preset(p), TrmConfig.fromJson(TrmConfig.preset(p).toJson(), "t"));
        String json = TrmConfig.preset("sudoku-mlp").toJson().replace("\"loss_type\" : \"stablemax\"", "\"loss\" : {\"loss_type\" : \"softmax_cross_entropy\"}");
        assertEquals(LossKind.SOFTMAX, TrmConfig.fromJson(json, "t").loss());
    }

    private static void refused(String expected, String json) {
        TrmException e = assertThrows(TrmException.class, () -> TrmConfig.fromJson(json, "c.json"));
        assertTrue(e.getMessage().startsWith("c.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
