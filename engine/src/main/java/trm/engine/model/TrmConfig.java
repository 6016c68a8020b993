package trm.engine.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import trm.engine.LossKind;
import trm.engine.TrmException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * TRM's architecture, under the reference's own key names so configs map one to one.
 * Files are read by {@link ConfigFile}: ours, or the reference's arch config (YAML or JSON,
 * nested or flattened), every key type-checked; values are bounded ({@link #MAX_HIDDEN} and
 * the other limits, sizes computed in 64 bits), each refusal one line naming key and limit.
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

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrmConfig {
        check(hiddenSize > 0, "hidden_size must be positive");
        check(layers > 0, "L_layers must be positive");
        check(hCycles > 0 && lCycles > 0, "H_cycles and L_cycles must be positive");
        check(expansion > 0, "expansion must be positive");
        check(posEncoding != null, "pos_encodings must be rope, learned, none or rope2d");
        check(mlpT || (numHeads > 0 && hiddenSize % numHeads == 0), "hidden_size must be divisible by num_heads");
        check(mlpT || !posEncoding.rotary() || (hiddenSize / numHeads) % 2 == 0, posEncoding.key() + " needs an even head dimension, not " + hiddenSize / numHeads);
        check(mlpT || posEncoding != PosEncoding.ROPE2D || hiddenSize / numHeads >= 4,
                "rope2d needs a head dimension of at least 4 (one rotary pair per axis), not " + hiddenSize / numHeads);
        check(mlpT || posEncoding != PosEncoding.ROPE2D || RopeTables.gridSide(seqLen) > 0,
                "pos_encodings rope2d needs seq_len = side² (a square grid), not " + seqLen);
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
        // then each key's own limit and each tensor's size in 64 bits (the flat buffer's total: ParamLayout)
        checkBounds(hiddenSize, numHeads, expansion, layers, hCycles, lCycles, mlpT, posEncoding, puzzleEmbNdim, puzzleEmbLen,
                haltMaxSteps, rmsNormEps, ropeTheta, seqLen, vocabSize, numPuzzleIdentifiers);
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

    /**
     * The largest values accepted, so that a config read from a file cannot ask for sizes that
     * overflow (every size below is computed in 64 bits) or for hours of recursion. The reference
     * uses hidden 512, 8 heads, expansion 4, 2 layers, H_cycles 3, L_cycles 4–6, 16 steps, at
     * most 916 positions and about 10^6 puzzle identifiers.
     */
    public static final int MAX_HIDDEN = 16384, MAX_HEADS = 1024, MAX_LAYERS = 64, MAX_CYCLES = 64, MAX_HALT_STEPS = 256,
            MAX_SEQ_LEN = 1 << 16, MAX_VOCAB = 1 << 20, MAX_PUZZLE_IDS = 1 << 26, MAX_PREFIX = 1024;
    public static final double MAX_EXPANSION = 64, MAX_RMS_NORM_EPS = 1, MAX_ROPE_THETA = 1e12;
    /** Elements of one tensor: one Java array. */
    public static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8;

    // static: a record's compact constructor runs before its fields are set
    private static void checkBounds(int hiddenSize, int numHeads, double expansion, int layers, int hCycles, int lCycles, boolean mlpT,
            PosEncoding posEncoding, int puzzleEmbNdim, int puzzleEmbLen, int haltMaxSteps, double rmsNormEps, double ropeTheta,
            int seqLen, int vocabSize, int numPuzzleIdentifiers) {
        atMost("hidden_size", hiddenSize, MAX_HIDDEN);
        if (!mlpT) atMost("num_heads", numHeads, MAX_HEADS);
        atMost("L_layers", layers, MAX_LAYERS);
        atMost("H_cycles", hCycles, MAX_CYCLES);
        atMost("L_cycles", lCycles, MAX_CYCLES);
        atMost("halt_max_steps", haltMaxSteps, MAX_HALT_STEPS);
        atMost("seq_len", seqLen, MAX_SEQ_LEN);
        atMost("vocab_size", vocabSize, MAX_VOCAB);
        atMost("num_puzzle_identifiers", numPuzzleIdentifiers, MAX_PUZZLE_IDS);
        atMost("puzzle_emb_len", puzzleEmbLen, MAX_PREFIX);
        atMost("puzzle_emb_ndim", puzzleEmbNdim, (long) MAX_PREFIX * MAX_HIDDEN);
        check(Double.isFinite(expansion) && expansion <= MAX_EXPANSION, "expansion " + expansion + " is over the limit of " + MAX_EXPANSION);
        check(Double.isFinite(rmsNormEps) && rmsNormEps <= MAX_RMS_NORM_EPS, "rms_norm_eps " + rmsNormEps + " is over the limit of " + MAX_RMS_NORM_EPS);
        check(Double.isFinite(ropeTheta) && ropeTheta > 0 && ropeTheta <= MAX_ROPE_THETA,
                "rope_theta " + ropeTheta + " must be in (0, " + MAX_ROPE_THETA + "]");
        int prefix = prefixLen(puzzleEmbNdim, puzzleEmbLen, hiddenSize);
        atMost("prefix positions (ceil(puzzle_emb_ndim / hidden_size))", prefix, MAX_PREFIX);
        // sizes, in 64 bits: every tensor must fit one array
        long D = hiddenSize, L = prefix + seqLen;
        long[][] tensors = {{vocabSize, D}, {posEncoding == PosEncoding.LEARNED ? L : 0, D}, {2L * swigluWidth(expansion, hiddenSize), D},
                {mlpT ? 2L * swigluWidth(expansion, L) : 3 * D, mlpT ? L : D}, {(long) numPuzzleIdentifiers, puzzleEmbNdim}};
        String[] names = {"embed_tokens (vocab_size · hidden_size)", "embed_pos", "mlp.gate_up_proj", mlpT ? "mlp_t.gate_up_proj" : "qkv_proj",
                "puzzle_emb (num_puzzle_identifiers · puzzle_emb_ndim)"};
        for (int i = 0; i < tensors.length; i++) {
            long n = tensors[i][0] * tensors[i][1];
            check(n <= MAX_TENSOR_ELEMENTS, names[i] + " would hold " + n + " values, over the limit of " + MAX_TENSOR_ELEMENTS);
        }
    }

    private static void atMost(String key, long value, long limit) {
        check(value <= limit, key + " " + value + " is over the limit of " + limit);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new TrmException("config: " + message);
    }

    // ---- derived shapes ------------------------------------------------------------------

    /** Prefix positions taken by the puzzle embedding (0 in the config: ceil(ndim / D)). */
    public int prefixLen() {
        return prefixLen(puzzleEmbNdim, puzzleEmbLen, hiddenSize);
    }

    private static int prefixLen(int puzzleEmbNdim, int puzzleEmbLen, int hiddenSize) {
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

    /** Whether the attention rotates q and k by RoPE tables ({@link RopeTables#fill(float[], float[], TrmConfig)}): rope or rope2d. */
    public boolean rope() { return !mlpT && posEncoding.rotary(); }

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

    /** Our JSON (a checkpoint's config), checked key by key: see {@link ConfigFile}; every key must be there. */
    public static TrmConfig fromJson(String json, String source) {
        return ConfigFile.parse(json, source, false).complete();
    }

    /** A complete config file (JSON, or YAML by its extension): see {@link ConfigFile}. */
    public static TrmConfig read(Path file) {
        return ConfigFile.read(file).complete();
    }

    /** A preset name or a JSON file path. */
    public static TrmConfig load(String presetOrPath) {
        if (PRESETS.contains(presetOrPath)) return preset(presetOrPath);
        Path p = Path.of(presetOrPath);
        if (presetOrPath.endsWith(".json") || Files.exists(p)) return read(p);
        return preset(presetOrPath); // throws the "unknown preset" message
    }
}
