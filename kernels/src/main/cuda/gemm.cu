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

// Shared memory: the A and B tiles (bf16) during the main loop, then the fp32 C tile for the
// epilogue (the same bytes). The Java wrapper sizes it with the same formula (Gemm.sharedBytes).
template <int BM, int BN, int BK, bool A_RC, bool B_RC> struct Smem {
    static constexpr int LDA = A_RC ? BK + 8 : BM + 8;   // A_RC: [BM][BK+8] else [BK][BM+8]
    static constexpr int LDB = B_RC ? BK + 8 : BN + 8;   // B_RC: [BN][BK+8] else [BK][BN+8]
    static constexpr int A_BYTES = (A_RC ? BM : BK) * LDA * 2;
    static constexpr int B_BYTES = (B_RC ? BN : BK) * LDB * 2;
    static constexpr int LDC = BN + 4;
    static constexpr int C_BYTES = BM * LDC * 4;
    static constexpr int BYTES = (A_BYTES + B_BYTES) > C_BYTES ? (A_BYTES + B_BYTES) : C_BYTES;
};

template <int BM, int BN, int BK, int WARPS_M, int WARPS_N, bool A_RC, bool B_RC>
__device__ __forceinline__ void body(const Params& p, unsigned char* smem) {
    constexpr int NT = WARPS_M * WARPS_N * 32;
    constexpr int WM = BM / WARPS_M, WN = BN / WARPS_N;
    constexpr int FM = WM / 16, FN = WN / 16;
    constexpr int LA = BM * BK / NT, LB = BN * BK / NT;
    using S = Smem<BM, BN, BK, A_RC, B_RC>;
    static_assert(WM % 16 == 0 && WN % 16 == 0 && BK % 16 == 0, "warp tile must be whole fragments");
    static_assert(BM * BK % NT == 0 && BN * BK % NT == 0, "tile loads must split evenly over threads");

    __nv_bfloat16* As = reinterpret_cast<__nv_bfloat16*>(smem);
    __nv_bfloat16* Bs = reinterpret_cast<__nv_bfloat16*>(smem + S::A_BYTES);
    float* Cs = reinterpret_cast<float*>(smem);

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

    const int bBegin = z * p.nbPer;
    const int bEnd = min(p.nbTotal, bBegin + p.nbPer);
    const int nRT = (p.R + BK - 1) / BK;
    const int nT = bEnd > bBegin ? (bEnd - bBegin) * nRT : 0;

    float ra[LA], rb[LB];
    auto loadTiles = [&](int t) {
        int b = bBegin + t / nRT, r0 = (t % nRT) * BK;
        long long lim = p.rTotal - (long long)b * p.R;
        int rLim = lim < p.R ? (int)(lim < 0 ? 0 : lim) : p.R;
        const void* Ab = adv(p.A, (long long)b * p.sA, bfA);
        const void* Bb = adv(p.B, (long long)b * p.sB, bfB);
#pragma unroll
        for (int q = 0; q < LA; q++) {
            int e = tid + q * NT;
            int ii = A_RC ? e / BK : e % BM, rr = A_RC ? e % BK : e / BM;
            bool ok;
            int i = rowOf(ii, ok), r = r0 + rr;
            ra[q] = (ok && r < rLim) ? ld(Ab, A_RC ? (long long)i * p.lda + r : (long long)r * p.lda + i, bfA) : 0.0f;
        }
#pragma unroll
        for (int q = 0; q < LB; q++) {
            int e = tid + q * NT;
            int jj = B_RC ? e / BK : e % BN, rr = B_RC ? e % BK : e / BN;
            bool ok;
            int j = colOf(jj, ok), r = r0 + rr;
            rb[q] = (ok && r < rLim) ? ld(Bb, B_RC ? (long long)j * p.ldb + r : (long long)r * p.ldb + j, bfB) : 0.0f;
        }
    };
    auto storeTiles = [&]() {
#pragma unroll
        for (int q = 0; q < LA; q++) {
            int e = tid + q * NT;
            int ii = A_RC ? e / BK : e % BM, rr = A_RC ? e % BK : e / BM;
            As[A_RC ? ii * S::LDA + rr : rr * S::LDA + ii] = __float2bfloat16(ra[q]);
        }
#pragma unroll
        for (int q = 0; q < LB; q++) {
            int e = tid + q * NT;
            int jj = B_RC ? e / BK : e % BN, rr = B_RC ? e % BK : e / BN;
            Bs[B_RC ? jj * S::LDB + rr : rr * S::LDB + jj] = __float2bfloat16(rb[q]);
        }
    };

    using LayoutA = typename std::conditional<A_RC, wmma::row_major, wmma::col_major>::type;
    using LayoutB = typename std::conditional<B_RC, wmma::col_major, wmma::row_major>::type;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[FM][FN];
#pragma unroll
    for (int a = 0; a < FM; a++)
#pragma unroll
        for (int b = 0; b < FN; b++) wmma::fill_fragment(acc[a][b], 0.0f);

    if (nT > 0) loadTiles(0);
    for (int t = 0; t < nT; t++) {
        storeTiles();
        __syncthreads();
        if (t + 1 < nT) loadTiles(t + 1);  // global loads in flight during the MMAs
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
        __syncthreads();
    }

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
