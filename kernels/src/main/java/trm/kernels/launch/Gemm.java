package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import java.util.Objects;

import trm.engine.TrmException;
import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.Launch;

/**
 * Launches the tensor-core GEMM of {@code gemm.cu} (WMMA m16n16k16, fp32 in memory, bf16 operands
 * staged in shared memory, fp32 accumulation) for a linear layer and for the MLP-mixer.
 *
 * <p>Every pointer is a device pointer to fp32 row-major data, or bf16 where a {@code bf16} mask
 * names it ({@link #BF16_A} ... {@link #BF16_RES}, for the kernel's A, B, C, aux and residual: a
 * bf16 operand is staged as is, a bf16 output rounded once after the fp32 epilogue); 0 means
 * "none" where a pointer is optional. Shapes follow {@link trm.engine.Ops#linear}: in [M, K], weight [N, K] (PyTorch's
 * [out, in]), out [M, N]. Nothing here synchronizes; launches are ordered on the runtime's stream.
 *
 * <pre>{@code
 * Gemm.forward(rt, out, in, w, 0, M, K, N, Gemm.Epilogue.none());                 // out = in·Wᵀ
 * Gemm.forward(rt, h2, h, wO, 0, M, D, D, Gemm.Epilogue.residual(h));             // o_proj + residual
 * Gemm.forward(rt, act, h, wGU, 0, M, D, 2 * I, Gemm.Epilogue.swiGlu(gateUp));    // act [M, I]
 * Gemm.forward(rt, qkv, h, wQkv, 0, M, D, 3 * D, Gemm.Epilogue.rope(cos, sin, L, 64, 2 * D));
 * Gemm.backwardInput(rt, dIn, dOut, w, M, K, N, false);                           // dIn = dOut·W
 * Gemm.backwardInputSwiGlu(rt, dGateUp, dOut, wDown, gateUp, M, I, D);            // through SwiGLU
 * Gemm.backwardWeight(rt, dW, dOut, in, M, K, N, ws, splits);                     // dW += dOutᵀ·in
 * }</pre>
 */
public final class Gemm {
    private Gemm() {}

    /** How the kernel reads its operands (see gemm.cu): C = A·Bᵀ, A·B or Aᵀ·B, all row-major. */
    public enum Layout {
        ABT("abt", true, true), AB("ab", true, false), ATB("atb", false, false);

        final String tag;
        final boolean aRowContiguous, bRowContiguous;

        Layout(String tag, boolean a, boolean b) { this.tag = tag; this.aRowContiguous = a; this.bRowContiguous = b; }
    }

    /**
     * Shared-memory stages of the pipelined main loop (gemm.cu's STAGES): k-tiles t+1 and t+2 are
     * loading while the tensor cores work on tile t.
     */
    public static final int STAGES = 3;

    /** The instantiated tile shapes (block tile BM x BN, reduction step BK, warps). */
    public enum Tile {
        T128x128(128, 128, 32, 8), T128x64(128, 64, 32, 8), T64x64(64, 64, 32, 4);

        public final int bm, bn, bk, warps;

        Tile(int bm, int bn, int bk, int warps) { this.bm = bm; this.bn = bn; this.bk = bk; this.warps = warps; }

        public int threads() { return warps * 32; }

        /** Kernel name for a layout, e.g. gemm_abt_128x128x32. */
        public String kernel(Layout layout) { return "gemm_" + layout.tag + "_" + bm + "x" + bn + "x" + bk; }

        /**
         * Bytes of one pipeline stage: the bf16 A and B tiles, rows padded by 8 elements (gemm.cu's
         * Smem::STAGE_BYTES), e.g. 20 480 for abt 128x128.
         */
        public int stageBytes(Layout layout) {
            int lda = layout.aRowContiguous ? bk + 8 : bm + 8, ldb = layout.bRowContiguous ? bk + 8 : bn + 8;
            return (layout.aRowContiguous ? bm : bk) * lda * 2 + (layout.bRowContiguous ? bn : bk) * ldb * 2;
        }

        /**
         * Dynamic shared memory of the kernel (the formula of gemm.cu's Smem): {@link #STAGES} stages
         * during the main loop, then the fp32 C tile [bm][bn + 4] over the same bytes; whichever is
         * larger. At most 67 584 bytes (128x128: the C tile), within the 227 KB opt-in limit.
         */
        public int sharedBytes(Layout layout) {
            return Math.max(STAGES * stageBytes(layout), bm * (bn + 4) * 4);
        }

        /**
         * A first guess at a good tile (to be replaced by a benchmark's table): the biggest tile
         * that still gives at least two blocks per SM of an H100/H200 (132 SMs).
         */
        public static Tile auto(long rows, long cols, long slices) {
            for (Tile t : new Tile[] {T128x128, T128x64})
                if (ceil(rows, t.bm) * ceil(cols, t.bn) * slices >= 264) return t;
            return T64x64;
        }
    }

    /** Epilogue modes, as in gemm.cu. */
    static final int PLAIN = 0, SWIGLU_COLS = 1, SWIGLU_ROWS = 2, ROPE = 3, SWIGLU_BWD_COLS = 4, SWIGLU_BWD_ROWS = 5;

    /**
     * Bits of a {@code bf16} mask: which of the kernel's buffers hold bf16 (gemm.cu's Bf16; passed in
     * the epilogue argument's bits 8..). For {@link #forward}: A = in, B = w, C = out, aux = the saved
     * gate_up; {@link #backwardInput}: A = dOut, B = w, C = dIn; {@link #backwardWeight}: A = dOut,
     * B = in, C = dW; {@link #backwardInputSwiGlu}: A = dOut, B = wDown, C = dGateUp, aux = gate_up.
     */
    public static final int BF16_A = 1, BF16_B = 2, BF16_C = 4, BF16_AUX = 8, BF16_RES = 16;

    /** What the forward product's epilogue does after adding the bias. */
    public sealed interface Epilogue {
        /** out = product (+ bias). */
        record None() implements Epilogue {}

        /** out += product (+ bias). */
        record Accumulate() implements Epilogue {}

        /** out = residual + product (+ bias); residual [M, N] may be out itself. */
        record Residual(long residual) implements Epilogue {}

        /**
         * The product is gate_up [M, N] (N = 2I, gate = first half); out [M, I] = silu(gate)·up.
         * When {@code gateUp} != 0 the pre-activation [M, 2I] is also stored there (for backward).
         */
        record SwiGlu(long gateUp) implements Epilogue {}

        /**
         * RoPE ("rotate half") on columns [0, ropeCols) in heads of {@code headDim} columns, at
         * position row % seqLen, with tables cos, sin [seqLen, headDim] ({@link trm.engine.model.RopeTables}).
         */
        record Rope(long cos, long sin, int seqLen, int headDim, int ropeCols) implements Epilogue {}

        static Epilogue none() { return new None(); }

        static Epilogue accumulate() { return new Accumulate(); }

        static Epilogue residual(long residual) { return new Residual(residual); }

        static Epilogue swiGlu(long gateUpOrZero) { return new SwiGlu(gateUpOrZero); }

        static Epilogue rope(long cos, long sin, int seqLen, int headDim, int ropeCols) {
            return new Rope(cos, sin, seqLen, headDim, ropeCols);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The linear layer

    /** out = in[M,K] · w[N,K]ᵀ (+ bias[N] when bias != 0), then the epilogue. */
    public static void forward(KernelRuntime rt, long out, long in, long w, long bias, int M, int K, int N, Epilogue epi) {
        forward(rt, out, in, w, bias, M, K, N, epi, 0);
    }

    /** {@link #forward} with the buffers {@code bf16} names ({@link #BF16_A} = in, ...) in bf16. */
    public static void forward(KernelRuntime rt, long out, long in, long w, long bias, int M, int K, int N, Epilogue epi, int bf16) {
        int cols = epi instanceof Epilogue.SwiGlu ? N / 2 : N;
        forward(rt, Tile.auto(M, cols, 1), out, in, w, bias, M, K, N, epi, bf16);
    }

    /** {@link #forward} with a chosen tile. */
    public static void forward(KernelRuntime rt, Tile tile, long out, long in, long w, long bias, int M, int K, int N, Epilogue epi) {
        forward(rt, tile, out, in, w, bias, M, K, N, epi, 0);
    }

    /** {@link #forward} with a chosen tile and bf16 buffers. */
    public static void forward(KernelRuntime rt, Tile tile, long out, long in, long w, long bias, int M, int K, int N, Epilogue epi,
                               int bf16) {
        Raw r = new Raw(Layout.ABT, in, K, w, K, out, N, M, N, K);
        r.bias = bias;
        r.bf16 = bf16;
        switch (epi) {
            case Epilogue.None n -> {}
            case Epilogue.Accumulate a -> r.accumulate = true;
            case Epilogue.Residual res -> r.residual = res.residual();
            case Epilogue.SwiGlu s -> {
                if (N % 2 != 0) throw new TrmException("gemm: SwiGLU epilogue needs an even N, got " + N);
                r.mode = SWIGLU_COLS;
                r.ldc = N / 2;
                r.aux = s.gateUp();
                r.ldaux = N;
            }
            case Epilogue.Rope rope -> {
                r.mode = ROPE;
                r.ropeCos = rope.cos();
                r.ropeSin = rope.sin();
                r.ropeL = rope.seqLen();
                r.ropeHd = rope.headDim();
                r.ropeCols = rope.ropeCols();
            }
        }
        launch(rt, tile, r);
    }

    /** dIn[M,K] = dOut[M,N] · w[N,K], or += when accumulate. */
    public static void backwardInput(KernelRuntime rt, long dIn, long dOut, long w, int M, int K, int N, boolean accumulate) {
        backwardInput(rt, dIn, dOut, w, M, K, N, accumulate, 0);
    }

    /** {@link #backwardInput} with bf16 buffers ({@link #BF16_A} = dOut, {@link #BF16_C} = dIn). */
    public static void backwardInput(KernelRuntime rt, long dIn, long dOut, long w, int M, int K, int N, boolean accumulate, int bf16) {
        backwardInput(rt, Tile.auto(M, K, 1), dIn, dOut, w, M, K, N, accumulate, bf16);
    }

    public static void backwardInput(KernelRuntime rt, Tile tile, long dIn, long dOut, long w, int M, int K, int N, boolean accumulate) {
        backwardInput(rt, tile, dIn, dOut, w, M, K, N, accumulate, 0);
    }

    public static void backwardInput(KernelRuntime rt, Tile tile, long dIn, long dOut, long w, int M, int K, int N, boolean accumulate,
                                     int bf16) {
        Raw r = new Raw(Layout.AB, dOut, N, w, K, dIn, K, M, K, N);
        r.accumulate = accumulate;
        r.bf16 = bf16;
        launch(rt, tile, r);
    }

    /**
     * Grad-input of down_proj fused with the SwiGLU backward: dAct = dOut[M,N] · wDown[N,I], then
     * dGateUp[M, 2I] from the saved pre-activation gateUp [M, 2I] (as the cpu reference's SwiGLU backward).
     */
    public static void backwardInputSwiGlu(KernelRuntime rt, long dGateUp, long dOut, long wDown, long gateUp, int M, int I, int N) {
        backwardInputSwiGlu(rt, dGateUp, dOut, wDown, gateUp, M, I, N, 0);
    }

    /** {@link #backwardInputSwiGlu} with bf16 buffers ({@link #BF16_C} = dGateUp, {@link #BF16_AUX} = gateUp). */
    public static void backwardInputSwiGlu(KernelRuntime rt, long dGateUp, long dOut, long wDown, long gateUp, int M, int I, int N, int bf16) {
        backwardInputSwiGlu(rt, Tile.auto(M, I, 1), dGateUp, dOut, wDown, gateUp, M, I, N, bf16);
    }

    public static void backwardInputSwiGlu(KernelRuntime rt, Tile tile, long dGateUp, long dOut, long wDown, long gateUp, int M, int I, int N) {
        backwardInputSwiGlu(rt, tile, dGateUp, dOut, wDown, gateUp, M, I, N, 0);
    }

    public static void backwardInputSwiGlu(KernelRuntime rt, Tile tile, long dGateUp, long dOut, long wDown, long gateUp, int M, int I, int N,
                                           int bf16) {
        Raw r = new Raw(Layout.AB, dOut, N, wDown, I, dGateUp, 2 * I, M, I, N);
        r.bf16 = bf16;
        r.mode = SWIGLU_BWD_COLS;
        r.aux = requirePtr(gateUp, "gateUp");
        r.ldaux = 2 * I;
        launch(rt, tile, r);
    }

    /**
     * Blocks a weight-gradient GEMM aims for: two waves on the 132 SMs of an H100/H200. A
     * constant, not the running GPU's SM count, so the split (and with it every rounding of the
     * sum) depends on the shape alone and results are the same on every GPU and on the simulator.
     */
    public static final int TARGET_BLOCKS = 2 * 132;

    /** Fewest reduction rows per split-K slice: the partial-sum traffic stays small against the operand reads. */
    public static final int MIN_SPLIT_ROWS = 512;

    /**
     * The split-K slice count for dW[N,K] += dOut[M,N]ᵀ·in[M,K], from the shape alone: enough
     * slices that the 128x128 tiles of dW times the slices reach {@link #TARGET_BLOCKS}, but no
     * slice shorter than {@link #MIN_SPLIT_ROWS} rows. 1 means no split (and no workspace).
     */
    public static int weightGradSplits(int M, int K, int N) {
        long tiles = ceil(N, Tile.T128x128.bm) * ceil(K, Tile.T128x128.bn);
        if (tiles == 0) return 1;
        long want = ceil(TARGET_BLOCKS, tiles);
        return (int) Math.max(1, Math.min(want, M / MIN_SPLIT_ROWS));
    }

    /** Rows of a split-K slice of M rows cut for {@code splits}: a multiple of BK (32), at least ⌊M/splits⌋ rounded down. */
    static int splitChunk(int M, int splits, Tile tile) {
        return (int) Math.max(tile.bk, (M / Math.max(1, splits)) / tile.bk * tile.bk);
    }

    /** Slices (grid z) the weight gradient launches for M rows and {@code splits}: ⌈M / chunk⌉ (≥ splits). */
    public static int weightGradSlices(int M, int K, int N, int splits) {
        if (splits <= 1) return 1;
        return (int) ceil(M, splitChunk(M, splits, Tile.auto(N, K, splits)));
    }

    /**
     * The launch grid of {@link #backwardWeight} for this shape and split count (row tiles of dW,
     * column tiles, slices), without launching.
     */
    public static Dim3 weightGradGrid(int M, int K, int N, int splits) {
        Tile t = Tile.auto(N, K, Math.max(1, splits));
        return Dim3.of((int) ceil(N, t.bm), (int) ceil(K, t.bn), weightGradSlices(M, K, N, splits));
    }

    /** Bytes of workspace {@link #backwardWeight} needs for M rows in {@code splits} slices (0 for one). */
    public static long workspaceBytes(int M, int K, int N, int splits) {
        return splits <= 1 ? 0 : 4L * weightGradSlices(M, K, N, splits) * K * N;
    }

    /**
     * dW[N,K] += dOut[M,N]ᵀ · in[M,K]. With splits > 1 the M rows are cut into chunks of
     * {@link #splitChunk} rows ({@link #weightGradSlices} of them, at least {@code splits}), each
     * written to its slice of {@code workspace} ({@link #workspaceBytes}), then summed into dW in
     * slice order by gemm_splitk_reduce (deterministic: no atomics, a fixed order whatever the GPU).
     * The model's split count is {@link #weightGradSplits}.
     */
    public static void backwardWeight(KernelRuntime rt, long dW, long dOut, long in, int M, int K, int N, long workspace, int splits) {
        backwardWeight(rt, dW, dOut, in, M, K, N, workspace, splits, 0);
    }

    /** {@link #backwardWeight} with bf16 operands ({@link #BF16_A} = dOut, {@link #BF16_B} = in; dW stays fp32). */
    public static void backwardWeight(KernelRuntime rt, long dW, long dOut, long in, int M, int K, int N, long workspace, int splits, int bf16) {
        int s = Math.max(1, splits);
        backwardWeight(rt, Tile.auto(N, K, s), dW, dOut, in, M, K, N, workspace, s, bf16);
    }

    public static void backwardWeight(KernelRuntime rt, Tile tile, long dW, long dOut, long in, int M, int K, int N, long workspace, int splits) {
        backwardWeight(rt, tile, dW, dOut, in, M, K, N, workspace, splits, 0);
    }

    public static void backwardWeight(KernelRuntime rt, Tile tile, long dW, long dOut, long in, int M, int K, int N, long workspace, int splits,
                                      int bf16) {
        if ((bf16 & BF16_C) != 0) throw new TrmException("gemm: weight gradients are fp32");
        if (splits <= 1) {
            Raw r = new Raw(Layout.ATB, dOut, N, in, K, dW, K, N, K, M);
            r.accumulate = true;
            r.bf16 = bf16;
            launch(rt, tile, r);
            return;
        }
        requirePtr(workspace, "workspace");
        int chunk = splitChunk(M, splits, tile);
        int slices = (int) ceil(M, chunk);
        Raw r = new Raw(Layout.ATB, dOut, N, in, K, workspace, K, N, K, chunk);
        r.bf16 = bf16;
        r.sA = (long) chunk * N;
        r.sB = (long) chunk * K;
        r.sC = (long) N * K;
        r.rTotal = M;
        r.nbTotal = slices;
        r.slices = slices;
        launch(rt, tile, r);
        splitKReduce(rt, dW, workspace, (long) N * K, slices, true);
    }

    /** c[e] (+)= Σ_s ws[s·count + e], slices in order. */
    public static void splitKReduce(KernelRuntime rt, long c, long ws, long count, int slices, boolean accumulate) {
        int blocks = (int) Math.min(4096, Math.max(1, ceil(count, 256)));
        rt.launch(Launch.of("gemm_splitk_reduce", Dim3.of(blocks), Dim3.of(256), 0,
                ptr(ws), ptr(c), i64(count), i32(slices), i32(accumulate ? 1 : 0)));
    }

    /** out[n] (+)= Σ_m x[m, n] over x [M, N] (a bias gradient). */
    public static void colSum(KernelRuntime rt, long out, long x, int M, int N, boolean accumulate) {
        rt.launch(Launch.of("gemm_colsum", Dim3.of((int) ceil(N, 32)), Dim3.of(256), 0,
                ptr(x), ptr(out), i32(M), i32(N), i32(accumulate ? 1 : 0)));
    }

    // ---------------------------------------------------------------------------------------------
    // The general launch

    /**
     * Every parameter of the gemm kernels (see the comment at the top of gemm.cu). The constructor
     * sets a single unbatched product C[M,N] = A·B over R; the fields refine it.
     */
    public static final class Raw {
        public Layout layout;
        public long a, b, c;
        public int lda, ldb, ldc;
        public long sA, sB, sC;
        public int M, N, R;
        public long rTotal;
        public int nbPer = 1, nbTotal = 1;
        /** gridDim.z: batch items (nbPer = 1) or split-K slices. */
        public int slices = 1;
        public int mode = PLAIN;
        /** Which buffers are bf16: {@link #BF16_A} | {@link #BF16_B} | ... (0: all fp32). */
        public int bf16;
        public boolean accumulate;
        public long bias, residual, aux;
        public int ldaux;
        public long sAux;
        public long ropeCos, ropeSin;
        public int ropeL = 1, ropeHd = 2, ropeCols;

        public Raw(Layout layout, long a, int lda, long b, int ldb, long c, int ldc, int M, int N, int R) {
            this.layout = Objects.requireNonNull(layout);
            this.a = a; this.lda = lda; this.b = b; this.ldb = ldb; this.c = c; this.ldc = ldc;
            this.M = M; this.N = N; this.R = R; this.rTotal = R;
        }

        /** The z-slices {@link #batchReduced} makes of {@code batches} items for {@code splits}: at most splits. */
        public static int reducedSlices(int batches, int splits) {
            if (batches <= 0) return 0;
            return (int) ceil(batches, ceil(batches, Math.max(1, splits)));
        }

        /** A plain batch: z-slice b uses A + b·sA, B + b·sB, C + b·sC (residual and aux alike). */
        public Raw batched(int batches, long sA, long sB, long sC) {
            this.slices = batches; this.nbPer = 1; this.nbTotal = batches;
            this.sA = sA; this.sB = sB; this.sC = sC; this.sAux = sC;
            this.rTotal = (long) batches * R;
            return this;
        }

        /**
         * Sums the products of {@code batches} batch items into C; {@code splits} z-slices (each a
         * group of batch items) write C + z·sC (a workspace when splits > 1).
         */
        public Raw batchReduced(int batches, long sA, long sB, int splits, long sC) {
            int per = (int) ceil(batches, Math.max(1, splits));
            this.nbPer = per; this.nbTotal = batches; this.slices = reducedSlices(batches, splits);
            this.sA = sA; this.sB = sB; this.sC = sC;
            this.rTotal = (long) batches * R;
            return this;
        }
    }

    /** Launches the gemm kernel for {@code r} (more than one launch only past 65535 batch items). */
    public static void launch(KernelRuntime rt, Tile tile, Raw r) {
        for (Launch l : plan(tile, r)) rt.launch(l);
    }

    /**
     * The launches {@link #launch} makes for {@code r}, checked but not run: the Java-side launch
     * geometry (row tiles on gridDim.x, column tiles on y, batch items or split-K slices on z).
     */
    static java.util.List<Launch> plan(Tile tile, Raw r) {
        if (r.M < 0 || r.N < 0 || r.R < 0) throw new TrmException("gemm: negative shape " + r.M + "x" + r.N + "x" + r.R);
        long gx, gy;
        if (r.mode == SWIGLU_COLS) {
            if (r.N % 2 != 0) throw new TrmException("gemm: SwiGLU over columns needs an even N, got " + r.N);
            gx = ceil(r.N / 2, tile.bn / 2);
        } else gx = ceil(r.N, tile.bn);
        if (r.mode == SWIGLU_ROWS) {
            if (r.M % 2 != 0) throw new TrmException("gemm: SwiGLU over rows needs an even M, got " + r.M);
            gy = ceil(r.M / 2, tile.bm / 2);
        } else gy = ceil(r.M, tile.bm);
        if (r.mode == ROPE) {
            if (r.ropeHd <= 0 || r.ropeHd % 2 != 0 || tile.bn % r.ropeHd != 0 || r.ropeCols % r.ropeHd != 0 || r.ropeCols > r.N)
                throw new TrmException("gemm: RoPE epilogue needs an even head dim dividing the tile width " + tile.bn
                        + " and ropeCols (a multiple of it, <= N): hd=" + r.ropeHd + " ropeCols=" + r.ropeCols + " N=" + r.N);
            requirePtr(r.ropeCos, "rope cos");
            requirePtr(r.ropeSin, "rope sin");
        }
        if ((r.mode == SWIGLU_BWD_COLS || r.mode == SWIGLU_BWD_ROWS) && r.aux == 0)
            throw new TrmException("gemm: SwiGLU backward needs the saved pre-activation");
        if ((r.bf16 & ~(BF16_A | BF16_B | BF16_C | BF16_AUX | BF16_RES)) != 0) throw new TrmException("gemm: bad bf16 mask " + r.bf16);
        if (gx == 0 || gy == 0 || r.slices == 0) return java.util.List.of();
        // Row tiles (which grow with the batch) on gridDim.x, up to 2³¹−1; column tiles and slices on y and z (≤ 65535).
        if (gy > Integer.MAX_VALUE || gx > MAX_GRID_YZ)
            throw new TrmException("gemm: grid too large: " + gy + " row tiles, " + gx + " column tiles (at most 65535)");
        if (r.slices <= MAX_GRID_YZ) return java.util.List.of(launchOnce(tile, r, (int) gy, (int) gx, r.slices, 0));
        // A plain batch of more than 65535 items (the token mixer at large batches): consecutive launches
        // of at most 65535 items each, every operand advanced by the items already done.
        if (r.nbPer != 1 || r.nbTotal != r.slices || r.rTotal != (long) r.slices * r.R)
            throw new TrmException("gemm: " + r.slices + " grid z-slices (at most 65535) that are not a plain batch");
        var launches = new java.util.ArrayList<Launch>();
        for (int done = 0; done < r.slices; done += MAX_GRID_YZ)
            launches.add(launchOnce(tile, r, (int) gy, (int) gx, Math.min(MAX_GRID_YZ, r.slices - done), done));
        return launches;
    }

    /** The grid of {@link #launch}'s first launch for {@code r} (for listings: nothing runs; pointers are not checked against a runtime). */
    public static Dim3 grid(Tile tile, Raw r) {
        var l = plan(tile, r);
        return l.isEmpty() ? Dim3.of(0) : l.getFirst().grid();
    }

    /** gridDim.y and gridDim.z at most. */
    static final int MAX_GRID_YZ = 65535;

    /** One launch of {@code count} z-slices starting at batch item {@code first} (0 for unbatched and split-K). */
    private static Launch launchOnce(Tile tile, Raw r, int rowTiles, int colTiles, int count, int first) {
        long a = r.a + bytes(r, BF16_A) * first * r.sA, b = r.b + bytes(r, BF16_B) * first * r.sB, c = r.c + bytes(r, BF16_C) * first * r.sC;
        long residual = r.residual == 0 ? 0 : r.residual + bytes(r, BF16_RES) * first * r.sC;
        long aux = r.aux == 0 ? 0 : r.aux + bytes(r, BF16_AUX) * first * r.sAux;
        int nbTotal = first == 0 && count == r.slices ? r.nbTotal : count;
        long rTotal = first == 0 && count == r.slices ? r.rTotal : (long) count * r.R;
        return Launch.of(tile.kernel(r.layout), Dim3.of(rowTiles, colTiles, count), Dim3.of(tile.threads()),
                tile.sharedBytes(r.layout),
                ptr(a), i32(r.lda), i64(r.sA), ptr(b), i32(r.ldb), i64(r.sB), ptr(c), i32(r.ldc), i64(r.sC),
                i32(r.M), i32(r.N), i32(r.R), i64(rTotal), i32(r.nbPer), i32(nbTotal),
                i32(r.mode | r.bf16 << 8), i32(r.accumulate ? 1 : 0), ptr(r.bias), ptr(residual), ptr(aux), i32(r.ldaux), i64(r.sAux),
                ptr(r.ropeCos), ptr(r.ropeSin), i32(r.ropeL), i32(r.ropeHd), i32(r.ropeCols));
    }

    /** Bytes of an element of the buffer {@code bit} names. */
    private static long bytes(Raw r, int bit) { return (r.bf16 & bit) != 0 ? 2 : 4; }

    static long requirePtr(long p, String what) {
        if (p == 0) throw new TrmException("gemm: " + what + " pointer is null");
        return p;
    }

    static long ceil(long a, long b) { return (a + b - 1) / b; }

    static long roundUp(long a, long b) { return ceil(a, b) * b; }
}
