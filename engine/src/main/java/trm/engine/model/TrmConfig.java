package trm.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import trm.engine.LossKind;
import trm.engine.TrmException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * TRM's architecture, under the reference's own key names so configs map one to one.
 * Keys of the reference's files that do not change what we compute (name, H_layers,
 * forward_dtype, batch_size) are accepted and ignored; any other unknown key is an error.
 *
 * <p>Build one by name: {@code TrmConfig.builder().hiddenSize(64).seqLen(16).vocabSize(6).build()}
 * starts from the reference's architecture ({@link Builder}); {@code config.toBuilder()} changes
 * fields of an existing one.
 */
public record TrmConfig(
        @JsonProperty(value = "hidden_size", required = true) int hiddenSize,
        @JsonProperty(value = "num_heads", required = true) int numHeads,
        @JsonProperty(value = "expansion", required = true) double expansion,
        @JsonProperty(value = "L_layers", required = true) int layers,
        @JsonProperty(value = "H_cycles", required = true) int hCycles,
        @JsonProperty(value = "L_cycles", required = true) int lCycles,
        @JsonProperty(value = "mlp_t", required = true) boolean mlpT,
        @JsonProperty(value = "pos_encodings", required = true) PosEncoding posEncoding,
        @JsonProperty(value = "puzzle_emb_ndim", required = true) int puzzleEmbNdim,
        @JsonProperty(value = "puzzle_emb_len", required = true) int puzzleEmbLen,
        @JsonProperty(value = "halt_max_steps", required = true) int haltMaxSteps,
        @JsonProperty(value = "halt_exploration_prob", required = true) double haltExplorationProb,
        @JsonProperty(value = "no_ACT_continue", required = true) boolean noActContinue,
        @JsonProperty(value = "rms_norm_eps", required = true) double rmsNormEps,
        @JsonProperty(value = "rope_theta", required = true) double ropeTheta,
        @JsonProperty(value = "seq_len", required = true) int seqLen,
        @JsonProperty(value = "vocab_size", required = true) int vocabSize,
        @JsonProperty(value = "num_puzzle_identifiers", required = true) int numPuzzleIdentifiers,
        @JsonProperty(value = "loss_type", required = true) LossKind loss) {

    public static final List<String> PRESETS = List.of("sudoku-mlp", "sudoku-att", "maze-att", "arc-att");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public TrmConfig {
        check(hiddenSize > 0, "hidden_size must be positive");
        check(layers > 0, "L_layers must be positive");
        check(hCycles > 0 && lCycles > 0, "H_cycles and L_cycles must be positive");
        check(expansion > 0, "expansion must be positive");
        check(posEncoding != null, "pos_encodings must be rope, learned or none");
        check(mlpT || (numHeads > 0 && hiddenSize % numHeads == 0), "hidden_size must be divisible by num_heads");
        check(mlpT || posEncoding != PosEncoding.ROPE || (hiddenSize / numHeads) % 2 == 0, "rope needs an even head dimension");
        check(puzzleEmbNdim >= 0 && puzzleEmbLen >= 0, "puzzle_emb_ndim and puzzle_emb_len must not be negative");
        check(puzzleEmbNdim == 0 || numPuzzleIdentifiers > 0, "num_puzzle_identifiers must be positive when puzzle_emb_ndim > 0");
        // The reference sizes its carry, RoPE tables and token mixer for puzzle_emb_len extra
        // positions even at ndim 0 but prepends none, and then fails on a shape mismatch.
        check(puzzleEmbNdim > 0 || puzzleEmbLen == 0, "puzzle_emb_ndim 0 needs puzzle_emb_len 0 (got " + puzzleEmbLen
                + "): the reference sizes " + puzzleEmbLen + " prefix positions it never fills and cannot run such a model");
        check(puzzleEmbLen == 0 || (long) puzzleEmbNdim <= (long) puzzleEmbLen * hiddenSize,
                "puzzle_emb_ndim does not fit in puzzle_emb_len · hidden_size");
        check(haltMaxSteps > 0, "halt_max_steps must be positive");
        // HRM's q_continue target (bootstrapped from the next step's q) is not implemented, and
        // the reference's own path for it fails in the published version: refuse, never ignore.
        check(noActContinue, "no_ACT_continue false (a q_continue loss bootstrapped from the next step) is not supported; use true");
        check(haltExplorationProb >= 0 && haltExplorationProb <= 1, "halt_exploration_prob must be in [0, 1]");
        check(seqLen > 0 && vocabSize > 1, "seq_len and vocab_size must be positive");
        check(rmsNormEps > 0, "rms_norm_eps must be positive");
        check(loss != null, "loss_type must be softmax or stablemax");
        // Sizes: one dimension of a tensor is an int, so widths are bounded here and every
        // product of them is a long (a batch's bound is checked where the batch is known).
        checkWidth("hidden_size", hiddenSize);
        checkWidth("seq_len", seqLen);
        checkWidth("vocab_size", vocabSize);
        checkWidth("puzzle_emb_len", puzzleEmbLen);
        long inter = swigluWidth(expansion, hiddenSize);
        check(inter <= MAX_WIDTH, "expansion " + expansion + " × hidden_size " + hiddenSize + " gives a SwiGLU width of " + inter
                + " channels, above the limit of " + MAX_WIDTH);
        if (mlpT) {
            long len = (puzzleEmbNdim == 0 ? 0 : puzzleEmbLen == 0 ? (puzzleEmbNdim + hiddenSize - 1) / hiddenSize : puzzleEmbLen) + (long) seqLen;
            long tokens = swigluWidth(expansion, len);
            check(tokens <= MAX_WIDTH, "expansion " + expansion + " × " + len + " positions gives a token-mixing width of " + tokens
                    + ", above the limit of " + MAX_WIDTH);
        }
    }

    /** The largest width, sequence length or vocabulary a config may ask for (2²⁴: far beyond TRM, far below int overflow). */
    public static final int MAX_WIDTH = 1 << 24;

    private static void checkWidth(String key, int value) {
        check(value <= MAX_WIDTH, key + " " + value + " is above the limit of " + MAX_WIDTH);
    }

    /** round_up(round(expansion · w · 2/3), 256) as a long (see {@link #swigluInter}); saturates instead of overflowing. */
    private static long swigluWidth(double expansion, long w) {
        double r = Math.rint(expansion * w * 2 / 3); // rint: half to even; same operation order as Python
        if (!(r < Long.MAX_VALUE / 2)) return Long.MAX_VALUE;
        long n = (long) r;
        return (n + 255) / 256 * 256;
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new TrmException("config: " + message);
    }

    // ---- derived shapes ------------------------------------------------------------------

    /** Prefix positions taken by the puzzle embedding (0 in the config: ceil(ndim / D)). */
    public int prefixLen() {
        if (puzzleEmbNdim == 0) return 0;
        return puzzleEmbLen == 0 ? (puzzleEmbNdim + hiddenSize - 1) / hiddenSize : puzzleEmbLen;
    }

    /** Positions the network sees: prefix + puzzle cells. */
    public int totalLen() { return prefixLen() + seqLen; }

    public int headDim() { return hiddenSize / numHeads; }

    /**
     * SwiGLU width for an input of width w: round_up(round(expansion · w · 2/3), 256), where
     * round is Python's (half to even, as the reference's {@code _find_multiple(round(...))}):
     * expansion 2.25 over 171 tokens gives 256.5 → 256 → 256, not 257 → 512.
     */
    public int swigluInter(int w) {
        long r = swigluWidth(expansion, w);
        if (r > MAX_WIDTH) throw new TrmException("config: expansion " + expansion + " × " + w + " gives a SwiGLU width of " + r
                + ", above the limit of " + MAX_WIDTH);
        return (int) r;
    }

    public int interChannels() { return swigluInter(hiddenSize); }

    public int interTokens() { return swigluInter(totalLen()); }

    public boolean rope() { return !mlpT && posEncoding == PosEncoding.ROPE; }

    public boolean learnedPos() { return posEncoding == PosEncoding.LEARNED; }

    public float embedScale() { return (float) Math.sqrt(hiddenSize); }

    // ---- presets and JSON ---------------------------------------------------------------

    /** The reference's configurations (spec table). */
    public static TrmConfig preset(String name) {
        return switch (name) {
            case "sudoku-mlp" -> builder().mlpT(true).posEncoding(PosEncoding.NONE).seqLen(81).vocabSize(11).build();
            case "sudoku-att" -> builder().seqLen(81).vocabSize(11).build();
            case "maze-att" -> builder().lCycles(4).seqLen(900).vocabSize(6).build();
            case "arc-att" -> builder().lCycles(4).seqLen(900).vocabSize(12).build();
            default -> throw new TrmException("unknown preset '" + name + "' (known: " + String.join(", ", PRESETS) + ")");
        };
    }

    /** This architecture sized for other data: seq_len and vocab_size from the task. */
    public TrmConfig withSeqLen(int seqLen, int vocabSize) {
        return toBuilder().seqLen(seqLen).vocabSize(vocabSize).build();
    }

    /** The reference's architecture (config/arch/trm.yaml), to be sized to the data. */
    public static Builder builder() { return new Builder(); }

    /** A builder holding every field of this config. */
    public Builder toBuilder() {
        return new Builder().hiddenSize(hiddenSize).numHeads(numHeads).expansion(expansion).layers(layers).hCycles(hCycles)
                .lCycles(lCycles).mlpT(mlpT).posEncoding(posEncoding).puzzleEmbNdim(puzzleEmbNdim).puzzleEmbLen(puzzleEmbLen)
                .haltMaxSteps(haltMaxSteps).haltExplorationProb(haltExplorationProb).noActContinue(noActContinue)
                .rmsNormEps(rmsNormEps).ropeTheta(ropeTheta).seqLen(seqLen).vocabSize(vocabSize)
                .numPuzzleIdentifiers(numPuzzleIdentifiers).loss(loss);
    }

    /**
     * A config by name. The defaults are the reference's architecture: hidden 512, 8 heads,
     * expansion 4, 2 layers, H_cycles 3, L_cycles 6, attention with RoPE, a puzzle embedding of
     * hidden_size dimensions over 16 prefix positions, 16 supervision steps, exploration 0.1,
     * no_ACT_continue, rms_norm_eps 1e-5, rope_theta 10000, stablemax loss and one puzzle
     * identifier. seq_len and vocab_size come from the data and have no default: {@link #build()}
     * refuses a config without them.
     */
    public static final class Builder {
        private int hiddenSize = 512, numHeads = 8, layers = 2, hCycles = 3, lCycles = 6;
        private double expansion = 4;
        private boolean mlpT = false;
        private PosEncoding posEncoding = PosEncoding.ROPE;
        private Integer puzzleEmbNdim; // null: hidden_size, as the reference's ${.hidden_size}
        private int puzzleEmbLen = 16, haltMaxSteps = 16;
        private double haltExplorationProb = 0.1;
        private boolean noActContinue = true;
        private double rmsNormEps = 1e-5, ropeTheta = 10000;
        private int seqLen, vocabSize, numPuzzleIdentifiers = 1;
        private LossKind loss = LossKind.STABLEMAX;

        private Builder() {}

        public Builder hiddenSize(int v) { hiddenSize = v; return this; }
        public Builder numHeads(int v) { numHeads = v; return this; }
        public Builder expansion(double v) { expansion = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder hCycles(int v) { hCycles = v; return this; }
        public Builder lCycles(int v) { lCycles = v; return this; }
        public Builder mlpT(boolean v) { mlpT = v; return this; }
        public Builder posEncoding(PosEncoding v) { posEncoding = v; return this; }
        /** Unset, it follows hidden_size. */
        public Builder puzzleEmbNdim(int v) { puzzleEmbNdim = v; return this; }
        public Builder puzzleEmbLen(int v) { puzzleEmbLen = v; return this; }
        public Builder haltMaxSteps(int v) { haltMaxSteps = v; return this; }
        public Builder haltExplorationProb(double v) { haltExplorationProb = v; return this; }
        public Builder noActContinue(boolean v) { noActContinue = v; return this; }
        public Builder rmsNormEps(double v) { rmsNormEps = v; return this; }
        public Builder ropeTheta(double v) { ropeTheta = v; return this; }
        public Builder seqLen(int v) { seqLen = v; return this; }
        public Builder vocabSize(int v) { vocabSize = v; return this; }
        public Builder numPuzzleIdentifiers(int v) { numPuzzleIdentifiers = v; return this; }
        public Builder loss(LossKind v) { loss = v; return this; }

        /** The config, checked: a TrmException names the first problem. */
        public TrmConfig build() {
            return new TrmConfig(hiddenSize, numHeads, expansion, layers, hCycles, lCycles, mlpT, posEncoding,
                    puzzleEmbNdim != null ? puzzleEmbNdim : hiddenSize, puzzleEmbLen, haltMaxSteps, haltExplorationProb,
                    noActContinue, rmsNormEps, ropeTheta, seqLen, vocabSize, numPuzzleIdentifiers, loss);
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reference keys that do not change what we compute. */
    private static final java.util.Set<String> IGNORED_KEYS = java.util.Set.of("name", "H_layers", "forward_dtype", "batch_size");

    public static TrmConfig fromJson(String json, String source) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) throw new TrmException(source + ": a config must be a JSON object");
            var obj = (com.fasterxml.jackson.databind.node.ObjectNode) node;
            var known = java.util.Arrays.stream(TrmConfig.class.getRecordComponents())
                    .map(rc -> rc.getAccessor().getAnnotation(JsonProperty.class).value()).toList();
            for (String key : (Iterable<String>) obj::fieldNames) {
                if (!known.contains(key) && !IGNORED_KEYS.contains(key)) throw new TrmException(source + ": unknown config key '" + key + "'");
            }
            for (String key : known) if (!obj.has(key)) throw new TrmException(source + ": missing config key '" + key + "'");
            obj.remove(IGNORED_KEYS);
            return JSON.treeToValue(obj, TrmConfig.class);
        } catch (JsonProcessingException e) {
            // Jackson wraps what the record's constructor throws: surface our own message.
            for (Throwable c = e; c != null; c = c.getCause())
                if (c instanceof TrmException t) throw new TrmException(source + ": " + t.getMessage());
            if (e instanceof MismatchedInputException m) {
                String path = m.getPath().isEmpty() ? "" : " (key '" + m.getPath().getLast().getFieldName() + "')";
                throw new TrmException(source + ": " + firstLine(m.getOriginalMessage()) + path);
            }
            throw new TrmException(source + ": not valid JSON (" + firstLine(e.getOriginalMessage()) + ")");
        }
    }

    public static TrmConfig read(Path file) {
        try {
            return fromJson(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new TrmException("config file not found: " + file);
        } catch (IOException e) {
            throw new TrmException("cannot read config " + file + ": " + e.getMessage());
        }
    }

    /** A preset name or a JSON file path. */
    public static TrmConfig load(String presetOrPath) {
        if (PRESETS.contains(presetOrPath)) return preset(presetOrPath);
        Path p = Path.of(presetOrPath);
        if (presetOrPath.endsWith(".json") || Files.exists(p)) return read(p);
        return preset(presetOrPath); // throws the "unknown preset" message
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
