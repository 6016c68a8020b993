package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.f32;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;

/**
 * Launches {@code embedding.cu}: out [B, P+S, D] = c · ([puzzle row | token embeddings] + pos),
 * and the three gradient kernels. {@code c} is the final scale (the caller folds in the position
 * mix); 0 pointers mean "absent" where the kernel allows it.
 */
public final class Embedding {
    private Embedding() {}

    public static void forward(KernelRuntime rt, long out, long tokens, long ids, long tokenTable, long puzzleTable, int ndim,
                               long posTable, int B, int P, int S, int D, float c) {
        Grid.launch(rt, "embed_fwd", Dim3.of(B, P + S), Dim3.of(Math.min(Grid.THREADS, (D + 31) & ~31)),
                ptr(out), ptr(tokens), ptr(ids), ptr(tokenTable), ptr(puzzleTable), i32(ndim), ptr(posTable), i32(P), i32(S), i32(D), f32(c));
    }

    /** dPuzzleRows [B, ndim] written from the prefix of dOut [B, L, D]. */
    public static void backwardRows(KernelRuntime rt, long dRows, long dOut, int B, int ndim, int L, int P, int D, float c) {
        Grid.flat(rt, "embed_bwd_rows", (long) B * ndim, ptr(dRows), ptr(dOut), i32(B), i32(ndim), i32(L), i32(P), i32(D), f32(c));
    }

    /** dTokenTable [V, D] accumulated; deterministic (tokens scanned in (b, s) order, no atomics). */
    public static void backwardTokens(KernelRuntime rt, long dTokenTable, long dOut, long tokens, int V, int B, int P, int S, int D, float c) {
        int t = Math.min(128, (D + 31) & ~31);
        Grid.launch(rt, "embed_bwd_tokens", Dim3.of(V, Grid.ceil(D, t)), Dim3.of(t), ptr(dTokenTable), ptr(dOut), ptr(tokens),
                i32(B), i32(P), i32(S), i32(D), f32(c));
    }

    /** dPosTable [L, D] accumulated. */
    public static void backwardPositions(KernelRuntime rt, long dPosTable, long dOut, int B, int L, int D, float c) {
        Grid.flat(rt, "embed_bwd_pos", (long) L * D, ptr(dPosTable), ptr(dOut), i32(B), i64((long) L * D), f32(c));
    }
}
