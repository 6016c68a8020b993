package trm.engine.model;

import trm.engine.DType;
import trm.engine.Device;
import trm.engine.Tensor;

import java.util.SplittableRandom;

/**
 * The model's state on a device: the flat trained parameters (and their gradients), the
 * H_init / L_init buffers, and the puzzle-embedding table. Named views follow the layout.
 */
public final class TrmWeights {
    public final TrmConfig config;
    public final ParamLayout layout;
    public final Device device;
    /** All trained parameters, flat [layout.size()]. */
    public final Tensor params;
    public final Tensor hInit, lInit;
    /** [num_puzzle_identifiers, puzzle_emb_ndim], or null without puzzle embeddings. */
    public final Tensor puzzleTable;
    /** RoPE tables [L, head_dim], or null. */
    public final Tensor ropeCos, ropeSin;

    public TrmWeights(TrmConfig config, Device device) {
        this.config = config;
        this.layout = new ParamLayout(config);
        this.device = device;
        this.params = device.allocate(DType.F32, Math.toIntExact(layout.size()));
        this.hInit = device.allocate(DType.F32, config.hiddenSize());
        this.lInit = device.allocate(DType.F32, config.hiddenSize());
        this.puzzleTable = config.puzzleEmbNdim() > 0
                ? device.allocate(DType.F32, config.numPuzzleIdentifiers(), config.puzzleEmbNdim()) : null;
        if (config.rope()) {
            int L = config.totalLen(), hd = config.headDim();
            float[] cos = new float[L * hd], sin = new float[L * hd];
            RopeTables.fill(cos, sin, config);
            ropeCos = device.tensor(cos, L, hd);
            ropeSin = device.tensor(sin, L, hd);
        } else {
            ropeCos = ropeSin = null;
        }
    }

    /** Initialises as the reference does; the same seed gives the same values bit for bit. */
    public TrmWeights initialize(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] flat = new float[Math.toIntExact(layout.size())];
        for (ParamLayout.Param p : layout.params()) {
            int off = Math.toIntExact(p.offset()), n = Math.toIntExact(p.numel());
            switch (p.init()) {
                case ParamLayout.Init.TruncNormal t -> TruncatedNormal.fill(flat, off, n, t.std(), rng);
                case ParamLayout.Init.Constant c -> java.util.Arrays.fill(flat, off, off + n, c.value());
            }
        }
        device.upload(params, flat);
        // The reference draws H_init / L_init directly in bf16 and saves them so.
        float[] init = new float[config.hiddenSize()];
        TruncatedNormal.fill(init, 0, init.length, 1.0, rng);
        for (int i = 0; i < init.length; i++) init[i] = trm.engine.Bf16.round(init[i]);
        device.upload(hInit, init);
        TruncatedNormal.fill(init, 0, init.length, 1.0, rng);
        for (int i = 0; i < init.length; i++) init[i] = trm.engine.Bf16.round(init[i]);
        device.upload(lInit, init);
        if (puzzleTable != null) device.ops().fill(puzzleTable, 0f); // the reference starts it at zero
        return this;
    }

    /** A named parameter as a view of the flat buffer (or of a same-layout buffer such as gradients). */
    public Tensor view(Tensor flat, String name) {
        ParamLayout.Param p = layout.get(name);
        return flat.slice(p.offset(), p.shape());
    }

    public Tensor param(String name) { return view(params, name); }
}
