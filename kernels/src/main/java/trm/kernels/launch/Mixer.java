package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.f32;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.engine.TrmException;
import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.Launch;
import trm.kernels.launch.Gemm.Layout;
import trm.kernels.launch.Gemm.Raw;
import trm.kernels.launch.Gemm.Tile;

/**
 * The MLP-mixer's token mixing (MLP-t) on h [B, L, D] without transposes in global memory:
 * {@code out = rms_norm_over_L(h + SwiGLU_L(h))}, where SwiGLU_L mixes along the sequence with
 * w1 [2It, L] (gate_up_proj) and w2 [L, It] (down_proj). Equal to the reference route
 * (transpose to [B, D, L], matmul / SwiGLU / add + RMSNorm over the last axis, transpose back),
 * which the cpu reference follows.
 *
 * <p>Each sample's product is an ordinary GEMM with the weight on the left:
 * G[b] [2It, D] = w1 · h[b] and X[b] = h[b] + w2 · A[b], batched over b with the gemm kernels'
 * z-slices; the norm runs down the columns of each [L, D] slab ({@code mixer.cu}).
 *
 * <p>Buffers (fp32, device): {@code gateUp} [B, 2It, D] and {@code act} [B, It, D] are saved by
 * forward for backward, {@code rstd} [B, D]; backward needs a scratch {@code dGateUp} [B, 2It, D]
 * and, for split-K weight gradients, a workspace of {@link #workspaceFloats} floats.
 */
public final class Mixer {
    private Mixer() {}

    /** out [B, L, D] (may be h's buffer only if h is not needed for backward), saving gateUp, act, rstd. */
    public static void forward(KernelRuntime rt, long out, long rstd, long gateUp, long act, long h, long w1, long w2,
                               int B, int L, int D, int It, float eps) {
        int M2 = 2 * It;
        Raw g = new Raw(Layout.AB, w1, L, h, D, act, D, M2, D, L).batched(B, 0, (long) L * D, (long) It * D);
        g.mode = Gemm.SWIGLU_ROWS;
        g.aux = gateUp;
        g.ldaux = D;
        g.sAux = (long) M2 * D;
        Gemm.launch(rt, Tile.auto(It, D, B), g);
        Raw y = new Raw(Layout.AB, w2, It, act, D, out, D, L, D, It).batched(B, 0, (long) It * D, (long) L * D);
        y.residual = h;
        Gemm.launch(rt, Tile.auto(L, D, B), y);
        normForward(rt, out, out, 0, rstd, B, L, D, eps);
    }

    /**
     * The split count of the weight gradients dW1 [2It, L] and dW2 [L, It] (each a sum over B
     * batch items of a reduction over D), from the shape alone like {@link Gemm#weightGradSplits}:
     * the fewest splits whose batch groups times the 128x128 tiles of the smaller of the two
     * reach {@link Gemm#TARGET_BLOCKS}, with every group reducing at least
     * {@link Gemm#MIN_SPLIT_ROWS} rows (batch items × D). 1 means no split.
     */
    public static int weightGradSplits(int B, int L, int D, int It) {
        long tiles = Math.min(Gemm.ceil(L, 128) * Gemm.ceil(It, 128), Gemm.ceil(2L * It, 128) * Gemm.ceil(L, 128));
        if (tiles == 0 || B <= 1) return 1;
        int most = (int) Math.max(1, Math.min(B, (long) B * D / Gemm.MIN_SPLIT_ROWS));
        for (int s = 1; s <= most; s++)
            if (Raw.reducedSlices(B, s) * tiles >= Gemm.TARGET_BLOCKS) return s;
        return most;
    }

    /** Floats of split-K workspace backward needs for {@code splits} slices (0 when splits <= 1). */
    public static long workspaceFloats(int L, int It, int splits) {
        return splits <= 1 ? 0 : (long) splits * 2L * It * L;
    }

    /**
     * dh [B, L, D] (written), dw1 [2It, L] and dw2 [L, It] (accumulated) from dOut [B, L, D] and
     * what forward saved (h, gateUp, act, out, rstd). {@code dGateUp} [B, 2It, D] is scratch.
     * {@code splits} > 1 splits the weight gradients' reduction over the batch into that many
     * slices (workspace {@link #workspaceFloats}), summed in order.
     */
    public static void backward(KernelRuntime rt, long dh, long dw1, long dw2, long dOut, long h, long gateUp, long act,
                                long out, long rstd, long w1, long w2, long dGateUp, long workspace, int splits,
                                int B, int L, int D, int It) {
        int M2 = 2 * It;
        int s = Math.max(1, Math.min(splits, B));
        if (s > 1 && workspace == 0) throw new TrmException("mixer: split-K backward needs a workspace");
        // dX = norm backward: the gradient of the residual sum, into dh (the residual path)
        normBackward(rt, dh, dOut, out, rstd, B, L, D, false);
        // dw2 [L, It] += Σ_b dX[b] [L, D] · act[b]ᵀ
        weightGrad(rt, dw2, new Raw(Layout.ABT, dh, D, act, D, dw2, It, L, It, D), B, (long) L * D, (long) It * D, s, workspace);
        // dGateUp[b] from dAct[b] = w2ᵀ [It, L] · dX[b] [L, D], through SwiGLU (pairs along rows)
        Raw da = new Raw(Layout.ATB, w2, It, dh, D, dGateUp, D, It, D, L).batched(B, 0, (long) L * D, (long) M2 * D);
        da.mode = Gemm.SWIGLU_BWD_ROWS;
        da.aux = gateUp;
        da.ldaux = D;
        da.sAux = (long) M2 * D;
        Gemm.launch(rt, Tile.auto(It, D, B), da);
        // dw1 [2It, L] += Σ_b dGateUp[b] [2It, D] · h[b]ᵀ
        weightGrad(rt, dw1, new Raw(Layout.ABT, dGateUp, D, h, D, dw1, L, M2, L, D), B, (long) M2 * D, (long) L * D, s, workspace);
        // dh[b] += w1ᵀ [L, 2It] · dGateUp[b] [2It, D]
        Raw dx = new Raw(Layout.ATB, w1, L, dGateUp, D, dh, D, L, D, M2).batched(B, 0, (long) M2 * D, (long) L * D);
        dx.accumulate = true;
        Gemm.launch(rt, Tile.auto(L, D, B), dx);
    }

    private static void weightGrad(KernelRuntime rt, long dW, Raw r, int B, long sA, long sB, int splits, long workspace) {
        long count = (long) r.M * r.N;
        if (splits <= 1) {
            r.batchReduced(B, sA, sB, 1, 0);
            r.accumulate = true;
        } else {
            r.c = workspace;
            r.batchReduced(B, sA, sB, splits, count);
        }
        Gemm.launch(rt, Tile.auto(r.M, r.N, r.slices), r);
        if (splits > 1) Gemm.splitKReduce(rt, dW, workspace, count, r.slices, true);
    }

    /** out = (a + b) · rstd over axis 1 of [B, L, D]; b may be 0; out may alias a or b; rstd [B, D] may be 0. */
    public static void normForward(KernelRuntime rt, long out, long a, long b, long rstd, int B, int L, int D, float eps) {
        if (B == 0 || D == 0) return;
        rt.launch(Launch.of("mixer_norm_fwd", Dim3.of(B, (D + 31) / 32), Dim3.of(256), 0,
                ptr(a), ptr(b), ptr(out), ptr(rstd), i32(L), i32(D), f32(eps)));
    }

    /** dIn (+)= rstd · (dOut − out · mean_L(dOut ⊙ out)) over axis 1 of [B, L, D]; dIn may alias dOut. */
    public static void normBackward(KernelRuntime rt, long dIn, long dOut, long out, long rstd, int B, int L, int D, boolean accumulate) {
        if (B == 0 || D == 0) return;
        rt.launch(Launch.of("mixer_norm_bwd", Dim3.of(B, (D + 31) / 32), Dim3.of(256), 0,
                ptr(dOut), ptr(out), ptr(rstd), ptr(dIn), i32(L), i32(D), i32(accumulate ? 1 : 0)));
    }
}
