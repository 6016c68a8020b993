// gemm.cu - the project's tensor-core GEMM (WMMA m16n16k16, bf16 operands, fp32 accumulation)
// with fused epilogues: the forward, grad-input and grad-weight products of a linear layer, the
// MLP-mixer's token-mixing products (weight on the left, batched), split-K, and a column sum for
// bias gradients. See kernels/HEAVY.md for the design and trm.kernels.heavy.Gemm for launching.
//
// One kernel body computes, for every z-slice of the grid (blockIdx.z = z),
//
//     C_z[i, j] = epilogue( sum over batches b in [z*nbPer, min(nbTotal, (z+1)*nbPer))
//                           sum over r < min(R, rTotal - b*R)   A_b(i, r) * B_b(r, j) )
//
// with A_b = A + b*sA, B_b = B + b*sB, C_z = C + z*sC (residual and aux slices likewise), and the
// operands read from fp32 (or bf16, see below) memory in one of three layouts (the kernel name's first part):
//
//     abt:  A(i, r) = A[i*lda + r],  B(r, j) = B[j*ldb + r]     C = A · Bᵀ   (forward: in · Wᵀ)
//     ab:   A(i, r) = A[i*lda + r],  B(r, j) = B[r*ldb + j]     C = A · B    (grad-input: dOut · W)
//     atb:  A(i, r) = A[r*lda + i],  B(r, j) = B[r*ldb + j]     C = Aᵀ · B   (grad-weight: dOutᵀ · in)
//
// Plain batched GEMM: nbPer = 1, nbTotal = gridDim.z, rTotal >= nbTotal*R. Split-K over one long
// reduction of length T: R = chunk, sA/sB = chunk strides, nbTotal = ceil(T/R), rTotal = T, each
// z-slice writes a partial product to its own workspace slice, gemm_splitk_reduce sums them.
//
// Main loop: STAGES (3) shared-memory stages; k-tiles t+1 and t+2 are loading while the warps run
// the MMAs of tile t, one barrier per k-tile. Operands are read in groups of 8 consecutive elements:
// one 16-byte (bf16) or two 16-byte (fp32) vector loads when the group is whole and 16-byte
// aligned, predicated scalar loads otherwise (edges, odd leading dimensions). The portable variant
// (simulator) stages every group through registers; the `#ifndef TRM_SIM` variant copies bf16
// operands global -> shared with cp.async (sm_80+) and stages only fp32 ones through registers
// (they are rounded to bf16 on the way). Both keep the k order, so results match bit for bit.
//
// Operands are rounded to bf16 (round to nearest even) when a tile is staged in shared memory;
// out-of-range rows, columns and reduction indices are staged as zeros, stores are predicated, so
// M, N, R need not be multiples of anything. Tile sizes are template parameters; the instantiated
// variants are named gemm_<layout>_<BM>x<BN>x<BK>.
//
// Epilogues (epi), with v = the product plus bias[j] when bias != nullptr:
//   0 PLAIN            C = v (+ residual[i, j] when residual != nullptr) (+ C when accumulate)
//   1 SWIGLU_COLS      N = 2I: C[i, j] = silu(v[i, j]) * v[i, j + I] for j < I (C is [M, I]);
//                      aux (optional) receives the pre-activation [M, 2I]. The block's column tile
//                      holds BN/2 gate columns and the BN/2 matching up columns.
//   2 SWIGLU_ROWS      M = 2I: C[i, j] = silu(v[i, j]) * v[i + I, j] for i < I (C is [I, N]);
//                      bias is indexed by row here; aux (optional) receives the pre-activation.
//   3 ROPE             columns j < ropeCols rotated ("rotate half") in pairs (c, c + hd/2) within
//                      each head of ropeHd columns, position i % ropeL, tables cos/sin [ropeL, hd].
//                      Needs BN % ropeHd == 0 (a head never straddles two column tiles).
//   4 SWIGLU_BWD_COLS  the product is dA [M, I] (I = N); aux = saved gate_up [M, 2I] (ld ldaux);
//                      writes dGateUp into C [M, 2I]: C[i, j] = dA*u*s*(1 + g(1 - s)),
//                      C[i, j + I] = dA*silu(g), s = sigmoid(g).
//   5 SWIGLU_BWD_ROWS  the same with the pairs along rows: dA [I, N] (I = M), aux = saved [2I, N],
//                      C = dG [2I, N].
//
// Element types: the low byte of `epi` is the mode above; bits 8.. say which buffers hold bf16
// instead of fp32 (BF16_A, _B, _C, _AUX, _RES below; strides and leading dimensions stay in
// elements). A bf16 operand is staged as is (it is already what the tensor cores take); a bf16
// output or aux is rounded to nearest even once, after the fp32 epilogue arithmetic. The kernel
// devices keep saved activations in bf16 this way (trm.engine.ScratchSizes#activationDType).
#include <cuda_bf16.h>
#include <mma.h>
#include <type_traits>
#include "trm_kernel.h"

namespace gemm {
using namespace nvcuda;

enum Epi { PLAIN = 0, SWIGLU_COLS = 1, SWIGLU_ROWS = 2, ROPE = 3, SWIGLU_BWD_COLS = 4, SWIGLU_BWD_ROWS = 5 };
// bits of epi >> 8: which buffers are bf16 (trm.kernels.launch.Gemm.BF16_*)
enum Bf16 { BF16_A = 1, BF16_B = 2, BF16_C = 4, BF16_AUX = 8, BF16_RES = 16 };

struct Params {
    const void* A; int lda; long long sA;
    const void* B; int ldb; long long sB;
    void* C; int ldc; long long sC;
    int M, N, R; long long rTotal; int nbPer, nbTotal;
    int epi, accumulate;
    const float* bias; const void* residual;
    void* aux; int ldaux; long long sAux;
    const float* ropeCos; const float* ropeSin; int ropeL, ropeHd, ropeCols;
    int bf;  // Bf16 bits
};

// Element i of an fp32 or bf16 buffer, as fp32 (bf16 -> fp32 is exact).
__device__ __forceinline__ float ld(const void* p, long long i, bool bf) {
    return bf ? __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]) : static_cast<const float*>(p)[i];
}
// Stores v into element i, rounded to nearest even when the buffer is bf16.
__device__ __forceinline__ void st(void* p, long long i, float v, bool bf) {
    if (bf) static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16(v);
    else static_cast<float*>(p)[i] = v;
}
// p advanced by n elements of its type.
__device__ __forceinline__ const void* adv(const void* p, long long n, bool bf) {
    return static_cast<const char*>(p) + n * (bf ? 2 : 4);
}
__device__ __forceinline__ void* adv(void* p, long long n, bool bf) {
    return static_cast<char*>(p) + n * (bf ? 2 : 4);
}

__device__ __forceinline__ float sigmoid(float x) { return 1.0f / (1.0f + __expf(-x)); }

// Pipeline depth: k-tiles t+1 and t+2 are on their way to shared memory while the tensor cores
// work on tile t (gemm.cu's header comment, kernels/HEAVY.md "Main loop").
constexpr int STAGES = 3;
// Operand elements per load group: 16 bytes of bf16, 32 bytes of fp32 (two float4).
constexpr int VEC = 8;

// Shared memory: STAGES copies of the A and B tiles (bf16) during the main loop, then the fp32
// C tile for the epilogue (over the same bytes). The Java wrapper sizes it with the same formula
// (Gemm.Tile.sharedBytes). Every stage and row offset is a multiple of 32 bytes (WMMA loads) and
// every load group's slot a multiple of 16 (uint4 stores, cp.async).
template <int BM, int BN, int BK, bool A_RC, bool B_RC> struct Smem {
    static constexpr int LDA = A_RC ? BK + 8 : BM + 8;   // A_RC: [BM][BK+8] else [BK][BM+8]
    static constexpr int LDB = B_RC ? BK + 8 : BN + 8;   // B_RC: [BN][BK+8] else [BK][BN+8]
    static constexpr int A_BYTES = (A_RC ? BM : BK) * LDA * 2;
    static constexpr int B_BYTES = (B_RC ? BN : BK) * LDB * 2;
    static constexpr int STAGE_BYTES = A_BYTES + B_BYTES;
    static constexpr int LDC = BN + 4;
    static constexpr int C_BYTES = BM * LDC * 4;
    static constexpr int BYTES = STAGES * STAGE_BYTES > C_BYTES ? STAGES * STAGE_BYTES : C_BYTES;
    static_assert(A_BYTES % 32 == 0 && B_BYTES % 32 == 0 && (LDA * 2) % 16 == 0 && (LDB * 2) % 16 == 0, "aligned stages");
    static_assert(BYTES <= 227 * 1024, "shared memory above the H100/H200 opt-in limit");
};

// bf16 bits (round to nearest even) of element i of an fp32 or bf16 buffer.
__device__ __forceinline__ unsigned bits(const void* p, long long i, bool bf) {
    return bf ? static_cast<const unsigned short*>(p)[i] : __bfloat16_as_ushort(__float2bfloat16(static_cast<const float*>(p)[i]));
}
__device__ __forceinline__ unsigned pack(float lo, float hi) {
    return __bfloat16_as_ushort(__float2bfloat16(lo)) | (unsigned)__bfloat16_as_ushort(__float2bfloat16(hi)) << 16;
}

// The VEC operand elements base[off .. off+7] as packed bf16 (element k in bits 16(k%2) of word
// k/2), the first n of them loaded and the rest zero: 16-byte vector loads when all 8 are in range
// and the address is 16-byte aligned, else one predicated scalar load per element.
__device__ __forceinline__ uint4 loadGroup(const void* base, long long off, int n, bool bf) {
    if (n == VEC) {
        if (bf) {
            const unsigned short* q = static_cast<const unsigned short*>(base) + off;
            if ((reinterpret_cast<unsigned long long>(q) & 15) == 0) return *reinterpret_cast<const uint4*>(q);
        } else {
            const float* q = static_cast<const float*>(base) + off;
            if ((reinterpret_cast<unsigned long long>(q) & 15) == 0) {
                float4 a = reinterpret_cast<const float4*>(q)[0], b = reinterpret_cast<const float4*>(q)[1];
                return make_uint4(pack(a.x, a.y), pack(a.z, a.w), pack(b.x, b.y), pack(b.z, b.w));
            }
        }
    }
    unsigned w[VEC / 2];
#pragma unroll
    for (int k = 0; k < VEC; k += 2)
        w[k / 2] = (k < n ? bits(base, off + k, bf) : 0u) | (k + 1 < n ? bits(base, off + k + 1, bf) : 0u) << 16;
    return make_uint4(w[0], w[1], w[2], w[3]);
}

#ifndef TRM_SIM
// sm_80+: 16 bytes global -> shared without registers (both addresses 16-byte aligned).
__device__ __forceinline__ void cpAsync16(void* dst, const void* src, int srcBytes) {
    unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(dst));
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(src), "r"(srcBytes));
}
__device__ __forceinline__ void cpAsyncCommit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N> __device__ __forceinline__ void cpAsyncWait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }
#endif

template <int BM, int BN, int BK, int WARPS_M, int WARPS_N, bool A_RC, bool B_RC>
__device__ __forceinline__ void body(const Params& p, unsigned char* smem) {
    constexpr int NT = WARPS_M * WARPS_N * 32;
    constexpr int WM = BM / WARPS_M, WN = BN / WARPS_N;
    constexpr int FM = WM / 16, FN = WN / 16;
    constexpr int GA = BM * BK / VEC / NT, GB = BN * BK / VEC / NT;  // load groups per thread and k-tile
    using S = Smem<BM, BN, BK, A_RC, B_RC>;
    static_assert(WM % 16 == 0 && WN % 16 == 0 && BK % 16 == 0, "warp tile must be whole fragments");
    static_assert(BK % VEC == 0 && BM % (2 * VEC) == 0 && BN % (2 * VEC) == 0, "load groups never straddle a row or a SwiGLU half");
    static_assert(BM * BK % (VEC * NT) == 0 && BN * BK % (VEC * NT) == 0, "tile loads must split evenly over threads");

    float* Cs = reinterpret_cast<float*>(smem);
    auto stageA = [&](int s) { return reinterpret_cast<__nv_bfloat16*>(smem + s * S::STAGE_BYTES); };
    auto stageB = [&](int s) { return reinterpret_cast<__nv_bfloat16*>(smem + s * S::STAGE_BYTES + S::A_BYTES); };

    const int tid = threadIdx.x, warp = tid / 32;
    const int wm = warp / WARPS_N, wn = warp % WARPS_N;
    // Row tiles on gridDim.x (no 65535 limit: large batches), column tiles on gridDim.y.
    const int by = blockIdx.x, bx = blockIdx.y, z = blockIdx.z;
    const int epi = p.epi;
    const bool bfA = p.bf & BF16_A, bfB = p.bf & BF16_B, bfC = p.bf & BF16_C, bfAux = p.bf & BF16_AUX, bfRes = p.bf & BF16_RES;
    const int halfN = BN / 2, halfM = BM / 2;
    const int I_cols = p.N / 2, I_rows = p.M / 2;

    // tile row/column -> global row/column (SwiGLU pairs gate and up halves in one tile)
    auto rowOf = [&](int ii, bool& ok) -> int {
        if (epi == SWIGLU_ROWS) {
            int h = ii < halfM ? ii : ii - halfM, i = by * halfM + h;
            ok = i < I_rows;
            return ii < halfM ? i : I_rows + i;
        }
        int i = by * BM + ii;
        ok = i < p.M;
        return i;
    };
    auto colOf = [&](int jj, bool& ok) -> int {
        if (epi == SWIGLU_COLS) {
            int h = jj < halfN ? jj : jj - halfN, j = bx * halfN + h;
            ok = j < I_cols;
            return jj < halfN ? j : I_cols + j;
        }
        int j = bx * BN + jj;
        ok = j < p.N;
        return j;
    };
    // valid tile rows (columns) from ii (jj) on, consecutive in global memory (a group lies in one SwiGLU half)
    auto rowsLeft = [&](int ii) -> int {
        if (epi == SWIGLU_ROWS) return I_rows - (by * halfM + (ii < halfM ? ii : ii - halfM));
        return p.M - (by * BM + ii);
    };
    auto colsLeft = [&](int jj) -> int {
        if (epi == SWIGLU_COLS) return I_cols - (bx * halfN + (jj < halfN ? jj : jj - halfN));
        return p.N - (bx * BN + jj);
    };
    auto clampV = [](long long n) -> int { return n <= 0 ? 0 : n >= VEC ? VEC : (int)n; };

    const int bBegin = z * p.nbPer;
    const int bEnd = min(p.nbTotal, bBegin + p.nbPer);
    const int nRT = (p.R + BK - 1) / BK;
    const int nT = bEnd > bBegin ? (bEnd - bBegin) * nRT : 0;

    // Load group q of this thread for k-tile t, operand A or B: where it starts in global memory
    // (element offset from Ab/Bb), how many of its VEC elements are in range, and its shared slot.
    struct Group { long long off; int n; int slot; };
    struct TileBase { const void* A; const void* B; int r0, rLim; };
    auto tileBase = [&](int t) -> TileBase {
        int b = bBegin + t / nRT, r0 = (t % nRT) * BK;
        long long lim = p.rTotal - (long long)b * p.R;
        int rLim = lim < p.R ? (int)(lim < 0 ? 0 : lim) : p.R;
        return {adv(p.A, (long long)b * p.sA, bfA), adv(p.B, (long long)b * p.sB, bfB), r0, rLim};
    };
    auto groupA = [&](const TileBase& tb, int q) -> Group {
        int g = tid + q * NT;
        bool ok;
        if (A_RC) {  // [BM][BK], contiguous along r
            int ii = g / (BK / VEC), rr = g % (BK / VEC) * VEC, i = rowOf(ii, ok), r = tb.r0 + rr;
            return {(long long)i * p.lda + r, ok ? clampV(tb.rLim - r) : 0, ii * S::LDA + rr};
        }
        int rr = g / (BM / VEC), ii = g % (BM / VEC) * VEC, i = rowOf(ii, ok), r = tb.r0 + rr;  // [BK][BM], contiguous along i
        return {(long long)r * p.lda + i, r < tb.rLim ? clampV(rowsLeft(ii)) : 0, rr * S::LDA + ii};
    };
    auto groupB = [&](const TileBase& tb, int q) -> Group {
        int g = tid + q * NT;
        bool ok;
        if (B_RC) {  // [BN][BK], contiguous along r
            int jj = g / (BK / VEC), rr = g % (BK / VEC) * VEC, j = colOf(jj, ok), r = tb.r0 + rr;
            return {(long long)j * p.ldb + r, ok ? clampV(tb.rLim - r) : 0, jj * S::LDB + rr};
        }
        int rr = g / (BN / VEC), jj = g % (BN / VEC) * VEC, j = colOf(jj, ok), r = tb.r0 + rr;  // [BK][BN], contiguous along j
        return {(long long)r * p.ldb + j, r < tb.rLim ? clampV(colsLeft(jj)) : 0, rr * S::LDB + jj};
    };

    // Register staging of fp32 (and, on sim, all) operands: loaded before the MMAs of the current
    // k-tile, stored to shared memory after them, so the global loads are in flight meanwhile.
    uint4 ra[GA], rb[GB];
#ifndef TRM_SIM
    // A bf16 operand goes straight to shared memory by cp.async (no registers, no conversion);
    // an fp32 one must be rounded to bf16 on the way, so it takes the register path.
    const bool asyncA = bfA, asyncB = bfB;
    auto copyAsync = [&](const void* base, const Group& gr, __nv_bfloat16* slot) {
        const unsigned short* src = static_cast<const unsigned short*>(base) + gr.off;
        if (gr.n == VEC && (reinterpret_cast<unsigned long long>(src) & 15) == 0) cpAsync16(slot, src, 16);
        else *reinterpret_cast<uint4*>(slot) = loadGroup(base, gr.off, gr.n, true);  // edge, outside or unaligned: synchronous (zeros outside)
    };
#else
    const bool asyncA = false, asyncB = false;
#endif
    // Starts k-tile t towards stage t % STAGES.
    auto issue = [&](int t) {
        TileBase tb = tileBase(t);
        __nv_bfloat16 *As = stageA(t % STAGES), *Bs = stageB(t % STAGES);
#pragma unroll
        for (int q = 0; q < GA; q++) {
            Group gr = groupA(tb, q);
#ifndef TRM_SIM
            if (asyncA) { copyAsync(tb.A, gr, As + gr.slot); continue; }
#endif
            ra[q] = loadGroup(tb.A, gr.off, gr.n, bfA);
        }
#pragma unroll
        for (int q = 0; q < GB; q++) {
            Group gr = groupB(tb, q);
#ifndef TRM_SIM
            if (asyncB) { copyAsync(tb.B, gr, Bs + gr.slot); continue; }
#endif
            rb[q] = loadGroup(tb.B, gr.off, gr.n, bfB);
        }
    };
    // Finishes the register part of issue(t): the staged groups into stage t % STAGES.
    auto land = [&](int t) {
        TileBase tb = tileBase(t);
        __nv_bfloat16 *As = stageA(t % STAGES), *Bs = stageB(t % STAGES);
        if (!asyncA) {
#pragma unroll
            for (int q = 0; q < GA; q++) *reinterpret_cast<uint4*>(As + groupA(tb, q).slot) = ra[q];
        }
        if (!asyncB) {
#pragma unroll
            for (int q = 0; q < GB; q++) *reinterpret_cast<uint4*>(Bs + groupB(tb, q).slot) = rb[q];
        }
    };
    auto commit = [&]() {
#ifndef TRM_SIM
        cpAsyncCommit();
#endif
    };

    using LayoutA = typename std::conditional<A_RC, wmma::row_major, wmma::col_major>::type;
    using LayoutB = typename std::conditional<B_RC, wmma::col_major, wmma::row_major>::type;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[FM][FN];
#pragma unroll
    for (int a = 0; a < FM; a++)
#pragma unroll
        for (int b = 0; b < FN; b++) wmma::fill_fragment(acc[a][b], 0.0f);

    // Prologue: k-tiles 0 .. STAGES-2 on their way (one cp.async group each, empty or not).
#pragma unroll
    for (int s = 0; s < STAGES - 1; s++) {
        if (s < nT) { issue(s); land(s); }
        commit();
    }
    // One barrier per k-tile: after it, tile t is in stage t % STAGES for every thread, and every
    // warp is done with tile t - 1, whose stage ((t + STAGES - 1) % STAGES) is refilled next.
    for (int t = 0; t < nT; t++) {
#ifndef TRM_SIM
        cpAsyncWait<STAGES - 2>();
#endif
        __syncthreads();
        const int tn = t + STAGES - 1;
        if (tn < nT) issue(tn);  // global loads in flight during the MMAs
        commit();
        const __nv_bfloat16 *As = stageA(t % STAGES), *Bs = stageB(t % STAGES);
#pragma unroll
        for (int kk = 0; kk < BK; kk += 16) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, LayoutA> fa[FM];
            wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, LayoutB> fb[FN];
#pragma unroll
            for (int a = 0; a < FM; a++) {
                int i0 = wm * WM + a * 16;
                wmma::load_matrix_sync(fa[a], As + (A_RC ? i0 * S::LDA + kk : kk * S::LDA + i0), S::LDA);
            }
#pragma unroll
            for (int b = 0; b < FN; b++) {
                int j0 = wn * WN + b * 16;
                wmma::load_matrix_sync(fb[b], Bs + (B_RC ? j0 * S::LDB + kk : kk * S::LDB + j0), S::LDB);
            }
#pragma unroll
            for (int a = 0; a < FM; a++)
#pragma unroll
                for (int b = 0; b < FN; b++) wmma::mma_sync(acc[a][b], fa[a], fb[b], acc[a][b]);
        }
        if (tn < nT) land(tn);
    }
#ifndef TRM_SIM
    cpAsyncWait<0>();
#endif
    __syncthreads();  // every warp done with the stages before the C tile overwrites them

    // accumulators -> the fp32 C tile in shared memory (over the A/B tiles, now free)
#pragma unroll
    for (int a = 0; a < FM; a++)
#pragma unroll
        for (int b = 0; b < FN; b++)
            wmma::store_matrix_sync(Cs + (wm * WM + a * 16) * S::LDC + wn * WN + b * 16, acc[a][b], S::LDC, wmma::mem_row_major);
    __syncthreads();

    void* C = adv(p.C, (long long)z * p.sC, bfC);
    const void* res = p.residual ? adv(p.residual, (long long)z * p.sC, bfRes) : nullptr;
    void* aux = p.aux ? adv(p.aux, (long long)z * p.sAux, bfAux) : nullptr;
    const float* bias = p.bias;

    if (epi == SWIGLU_COLS) {
        const int I = I_cols;
        for (int e = tid; e < BM * halfN; e += NT) {
            int ii = e / halfN, jh = e % halfN;
            int i = by * BM + ii, j = bx * halfN + jh;
            if (i >= p.M || j >= I) continue;
            float g = Cs[ii * S::LDC + jh], u = Cs[ii * S::LDC + jh + halfN];
            if (bias) { g += bias[j]; u += bias[j + I]; }
            if (aux) { st(aux, (long long)i * p.ldaux + j, g, bfAux); st(aux, (long long)i * p.ldaux + j + I, u, bfAux); }
            st(C, (long long)i * p.ldc + j, g * sigmoid(g) * u, bfC);
        }
        return;
    }
    if (epi == SWIGLU_ROWS) {
        const int I = I_rows;
        for (int e = tid; e < halfM * BN; e += NT) {
            int ih = e / BN, jj = e % BN;
            int i = by * halfM + ih, j = bx * BN + jj;
            if (i >= I || j >= p.N) continue;
            float g = Cs[ih * S::LDC + jj], u = Cs[(ih + halfM) * S::LDC + jj];
            if (bias) { g += bias[i]; u += bias[i + I]; }
            if (aux) { st(aux, (long long)i * p.ldaux + j, g, bfAux); st(aux, (long long)(i + I) * p.ldaux + j, u, bfAux); }
            st(C, (long long)i * p.ldc + j, g * sigmoid(g) * u, bfC);
        }
        return;
    }
    for (int e = tid; e < BM * BN; e += NT) {
        int ii = e / BN, jj = e % BN;
        int i = by * BM + ii, j = bx * BN + jj;
        if (i >= p.M || j >= p.N) continue;
        float v = Cs[ii * S::LDC + jj];
        long long o = (long long)i * p.ldc + j;
        if (epi == PLAIN) {
            if (bias) v += bias[j];
            if (res) v += ld(res, o, bfRes);
            if (p.accumulate) v += ld(C, o, bfC);
            st(C, o, v, bfC);
        } else if (epi == ROPE) {
            if (bias) v += bias[j];
            if (j < p.ropeCols) {
                int hd = p.ropeHd, half = hd / 2, c = j % hd;
                int pj = c < half ? jj + half : jj - half;
                float pv = Cs[ii * S::LDC + pj] + (bias ? bias[c < half ? j + half : j - half] : 0.0f);
                int pos = i % p.ropeL;
                float cs = p.ropeCos[pos * hd + c], sn = p.ropeSin[pos * hd + c];
                v = c < half ? v * cs - pv * sn : v * cs + pv * sn;
            }
            st(C, o, v, bfC);
        } else if (epi == SWIGLU_BWD_COLS) {
            const int I = p.N;
            float g = ld(aux, (long long)i * p.ldaux + j, bfAux), u = ld(aux, (long long)i * p.ldaux + j + I, bfAux), s = sigmoid(g);
            st(C, (long long)i * p.ldc + j, v * u * s * (1.0f + g * (1.0f - s)), bfC);
            st(C, (long long)i * p.ldc + j + I, v * g * s, bfC);
        } else if (epi == SWIGLU_BWD_ROWS) {
            const int I = p.M;
            float g = ld(aux, (long long)i * p.ldaux + j, bfAux), u = ld(aux, (long long)(i + I) * p.ldaux + j, bfAux), s = sigmoid(g);
            st(C, (long long)i * p.ldc + j, v * u * s * (1.0f + g * (1.0f - s)), bfC);
            st(C, (long long)(i + I) * p.ldc + j, v * g * s, bfC);
        }
    }
}
} // namespace gemm

extern __shared__ __align__(128) unsigned char gemm_smem[];

// One kernel per (layout, tile): gemm_<layout>_<BM>x<BN>x<BK>, WARPS_M x WARPS_N warps.
#define TRM_GEMM_KERNEL(NAME, BM, BN, BK, WMS, WNS, ARC, BRC)                                              \
    extern "C" __global__ void __launch_bounds__(WMS * WNS * 32) NAME(                                    \
        const void* A, int lda, long long sA, const void* B, int ldb, long long sB,                        \
        void* C, int ldc, long long sC, int M, int N, int R, long long rTotal, int nbPer, int nbTotal,     \
        int epi, int accumulate, const float* bias, const void* residual,                                  \
        void* aux, int ldaux, long long sAux,                                                              \
        const float* ropeCos, const float* ropeSin, int ropeL, int ropeHd, int ropeCols) {                 \
        gemm::Params p{A, lda, sA, B, ldb, sB, C, ldc, sC, M, N, R, rTotal, nbPer, nbTotal, epi & 0xff,    \
                       accumulate, bias, residual, aux, ldaux, sAux, ropeCos, ropeSin, ropeL, ropeHd,      \
                       ropeCols, epi >> 8};                                                                \
        gemm::body<BM, BN, BK, WMS, WNS, ARC, BRC>(p, gemm_smem);                                          \
    }                                                                                                      \
    TRM_KERNEL(NAME)

TRM_GEMM_KERNEL(gemm_abt_128x128x32, 128, 128, 32, 2, 4, true, true)
TRM_GEMM_KERNEL(gemm_abt_128x64x32, 128, 64, 32, 4, 2, true, true)
TRM_GEMM_KERNEL(gemm_abt_64x64x32, 64, 64, 32, 2, 2, true, true)
TRM_GEMM_KERNEL(gemm_ab_128x128x32, 128, 128, 32, 2, 4, true, false)
TRM_GEMM_KERNEL(gemm_ab_128x64x32, 128, 64, 32, 4, 2, true, false)
TRM_GEMM_KERNEL(gemm_ab_64x64x32, 64, 64, 32, 2, 2, true, false)
TRM_GEMM_KERNEL(gemm_atb_128x128x32, 128, 128, 32, 2, 4, false, false)
TRM_GEMM_KERNEL(gemm_atb_128x64x32, 128, 64, 32, 4, 2, false, false)
TRM_GEMM_KERNEL(gemm_atb_64x64x32, 64, 64, 32, 2, 2, false, false)

// C[e] = (accumulate ? C[e] : 0) + sum over s < slices of ws[s*count + e], in slice order
// (deterministic split-K). Grid-stride.
extern "C" __global__ void gemm_splitk_reduce(const float* __restrict__ ws, float* __restrict__ C, long long count,
                                              int slices, int accumulate) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < count; e += stride) {
        float v = accumulate ? C[e] : 0.0f;
        for (int s = 0; s < slices; s++) v += ws[(long long)s * count + e];
        C[e] = v;
    }
}
TRM_KERNEL(gemm_splitk_reduce)

// out[n] = (accumulate ? out[n] : 0) + sum over m < M of X[m*N + n] (a bias gradient). Block 32 x 8:
// 32 columns per block, 8 row groups summed in a fixed order. Grid x = ceil(N / 32).
extern "C" __global__ void __launch_bounds__(256) gemm_colsum(const float* __restrict__ X, float* __restrict__ out,
                                                              int M, int N, int accumulate) {
    __shared__ float part[8][33];
    int tx = threadIdx.x % 32, ty = threadIdx.x / 32;
    int n = blockIdx.x * 32 + tx;
    float s = 0.0f;
    if (n < N)
        for (int m = ty; m < M; m += 8) s += X[(long long)m * N + n];
    part[ty][tx] = s;
    __syncthreads();
    if (ty == 0 && n < N) {
        float t = 0.0f;
        for (int k = 0; k < 8; k++) t += part[k][tx];
        out[n] = accumulate ? out[n] + t : t;
    }
}
TRM_KERNEL(gemm_colsum)
