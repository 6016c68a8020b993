package trm.engine.model;

import trm.engine.TrmException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every trained parameter sits in one flat fp32 buffer, under the reference's
 * state-dict name. One flat buffer lets the optimizer and the EMA run as single fused passes.
 * The puzzle table (trained by SignSGD) and the H_init / L_init buffers live apart.
 */
public final class ParamLayout {
    /** How a parameter starts: truncated normal of the given std, zeros, or a constant. */
    public sealed interface Init {
        record TruncNormal(double std) implements Init {}
        record Constant(float value) implements Init {}
    }

    public record Param(String name, int[] shape, long offset, Init init) {
        public long numel() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    public static final String PREFIX = "model.inner.";
    public static final String EMBED_TOKENS = PREFIX + "embed_tokens.embedding_weight";
    public static final String EMBED_POS = PREFIX + "embed_pos.embedding_weight";
    public static final String LM_HEAD = PREFIX + "lm_head.weight";
    public static final String Q_HEAD_W = PREFIX + "q_head.weight";
    public static final String Q_HEAD_B = PREFIX + "q_head.bias";
    public static final String H_INIT = PREFIX + "H_init";
    public static final String L_INIT = PREFIX + "L_init";
    public static final String PUZZLE_EMB = PREFIX + "puzzle_emb.weights";

    public static String layer(int i, String rest) {
        return PREFIX + "L_level.layers." + i + "." + rest;
    }

    private final Map<String, Param> params = new LinkedHashMap<>();
    private long size;

    public ParamLayout(TrmConfig c) {
        int D = c.hiddenSize(), V = c.vocabSize(), L = c.totalLen();
        add(EMBED_TOKENS, new Init.TruncNormal(1.0 / Math.sqrt(D)), V, D);
        if (c.learnedPos()) add(EMBED_POS, new Init.TruncNormal(1.0 / Math.sqrt(D)), L, D);
        for (int i = 0; i < c.layers(); i++) {
            if (c.mlpT()) {
                int It = c.interTokens();
                linear(layer(i, "mlp_t.gate_up_proj.weight"), 2 * It, L);
                linear(layer(i, "mlp_t.down_proj.weight"), L, It);
            } else {
                linear(layer(i, "self_attn.qkv_proj.weight"), 3 * D, D);
                linear(layer(i, "self_attn.o_proj.weight"), D, D);
            }
            int I = c.interChannels();
            linear(layer(i, "mlp.gate_up_proj.weight"), 2 * I, D);
            linear(layer(i, "mlp.down_proj.weight"), D, I);
        }
        linear(LM_HEAD, V, D);
        // The halting head starts at "never halt": weight 0, bias −5.
        add(Q_HEAD_W, new Init.Constant(0f), 2, D);
        add(Q_HEAD_B, new Init.Constant(-5f), 2);
        if (size > MAX_SIZE)
            throw new TrmException("config: hidden_size " + D + ", expansion " + c.expansion() + ", L_layers " + c.layers() + " give "
                    + size + " parameters, above the limit of " + MAX_SIZE + " (one flat fp32 buffer)");
    }

    /** The most elements the flat parameter buffer may hold (a Java array on the cpu; one int dimension everywhere). */
    public static final long MAX_SIZE = Integer.MAX_VALUE - 16;

    private void linear(String name, int out, int in) {
        add(name, new Init.TruncNormal(1.0 / Math.sqrt(in)), out, in);
    }

    private void add(String name, Init init, int... shape) {
        Param p = new Param(name, shape, size, init);
        params.put(name, p);
        size += (p.numel() + 15) & ~15L; // 64-byte aligned starts for the kernels
    }

    /** Elements of the flat buffer, alignment padding included. */
    public long size() { return size; }

    /** Trained values, padding excluded: the model's parameter count (puzzle table excluded). */
    public long count() {
        return params.values().stream().mapToLong(Param::numel).sum();
    }

    public Param get(String name) {
        Param p = params.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter " + name);
        return p;
    }

    public boolean has(String name) { return params.containsKey(name); }

    public List<Param> params() { return Collections.unmodifiableList(new ArrayList<>(params.values())); }
}
