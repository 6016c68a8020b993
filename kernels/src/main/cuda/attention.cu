// attention.cu - non-causal multi-head attention, head_dim 64, flash-style: K/V (or Q/dO) tiles
// of 64 rows in shared memory, online softmax, no L x L matrix in global memory. fp32 arithmetic
// (correctness first; a WMMA variant is future work, see kernels/HEAVY.md).
//
// Layouts (as trm.engine.cpu.Attention): qkv [B, L, 3D] = [q heads | k heads | v heads] per row,
// D = H*64; out, dOut [B, L, D]; lse, delta [B, H, L]; dqkv [B, L, 3D].
//
// Forward (attention_fwd): per (64-query tile, b*H + h): O = softmax(Q Kᵀ/8) V, and the natural
// logsumexp of each scaled score row, lse = ln Σ_j exp(q·k_j/8), saved for backward.
// Backward recomputes P = exp(q·k/8 − lse) and uses delta_i = Σ_d dO[i,d]·O[i,d]:
//   attention_bwd_dq:   per (query tile, bh): writes delta, dQ = (1/8) Σ_j dS_ij k_j,
//                       dS_ij = P_ij (dO_i·v_j − delta_i)
//   attention_bwd_dkdv: per (key tile, bh), after bwd_dq (it reads delta):
//                       dV_j = Σ_i P_ij dO_i, dK_j = (1/8) Σ_i dS_ij q_i
// Two kernels and no atomics: every gradient element is summed by one thread in a fixed order
// (deterministic). With ropeCos/ropeSin non-null both backward kernels rotate dQ and dK back
// (RoPE's transpose, rotation by −angle at the row's position), giving the gradient w.r.t. the
// pre-RoPE q and k that the qkv_proj GEMM produced.
//
// Threads: 256 per block; thread t owns row t/4 of the tile and the 16 head dimensions
// d = (t%4) + 4e, e < 16; the 4 threads of a row exchange probabilities with warp shuffles.
// Note that d and d + 32 (a RoPE pair) belong to the same thread.
//
// bf16: with bit QKV_BF16 of `bf` qkv is bf16 [B, L, 3D] (read, staged as fp32), with OUT_BF16 out
// is bf16 (forward writes it rounded once, bwd_dq reads it for delta); lse, delta, dOut and dqkv
// stay fp32. The kernel devices keep saved activations in bf16 (trm.engine.ScratchSizes#activationDType).
#include <cuda_bf16.h>
#include "trm_kernel.h"

namespace attention {
constexpr int HD = 64, T = 64, NT = 256, LDS = HD + 1;
constexpr float LOG2E = 1.4426950408889634f, LN2 = 0.6931471805599453f;
constexpr float SCALE = 0.125f;  // 1/sqrt(64)
constexpr unsigned FULL = 0xffffffffu;
enum Bf16 { QKV_BF16 = 1, OUT_BF16 = 2 };  // trm.kernels.launch.Attention.BF16_*

__device__ __forceinline__ float ldv(const void* p, long long i, bool bf) {
    return bf ? __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]) : static_cast<const float*>(p)[i];
}
// src advanced by n elements of its type
__device__ __forceinline__ const void* adv(const void* p, long long n, bool bf) {
    return static_cast<const char*>(p) + n * (bf ? 2 : 4);
}

// tile[r][d] = src[(row0 + r)*ld + d] for rows < L, else 0 (src fp32, or bf16 when bf).
__device__ __forceinline__ void loadTile(float* tile, const void* src, int row0, int L, int ld, bool bf = false) {
    for (int e = threadIdx.x; e < T * HD; e += NT) {
        int r = e / HD, d = e % HD, row = row0 + r;
        tile[r * LDS + d] = row < L ? ldv(src, (long long)row * ld + d, bf) : 0.0f;
    }
}

__device__ __forceinline__ float quadMax(float v) {
    v = fmaxf(v, __shfl_xor_sync(FULL, v, 1));
    return fmaxf(v, __shfl_xor_sync(FULL, v, 2));
}

__device__ __forceinline__ float quadSum(float v) {
    v += __shfl_xor_sync(FULL, v, 1);
    return v + __shfl_xor_sync(FULL, v, 2);
}

// The transpose of RoPE on a thread's 16 dims (pairs e, e+8 = dims d, d+32) at position pos.
__device__ __forceinline__ void ropeBack(float* g, const float* cosT, const float* sinT, int pos, int qd) {
    if (!cosT) return;
#pragma unroll
    for (int e = 0; e < 8; e++) {
        int d = qd + 4 * e;
        float c = cosT[pos * HD + d], s = sinT[pos * HD + d];
        float x1 = g[e], x2 = g[e + 8];
        g[e] = x1 * c + x2 * s;
        g[e + 8] = x2 * c - x1 * s;
    }
}
} // namespace attention

// grid (B*H, ceil(L/64)) (the batch on gridDim.x, which has no 65535 limit), block 256, no dynamic shared memory.
extern "C" __global__ void __launch_bounds__(256, 1) attention_fwd(const void* __restrict__ qkv, void* __restrict__ out,
                                                                float* __restrict__ lse, int L, int H, int bf) {
    using namespace attention;
    __shared__ float Ks[T * LDS], Vs[T * LDS];
    const int bh = blockIdx.x, b = bh / H, h = bh % H, D = H * HD, ld = 3 * D;
    const bool bq = bf & QKV_BF16, bo = bf & OUT_BF16;
    const void* base = adv(qkv, (long long)b * L * ld + h * HD, bq);
    const int q0 = blockIdx.y * T, tid = threadIdx.x, r = tid >> 2, qd = tid & 3, lane = tid & 31;
    const int row = q0 + r;
    const float scale2 = SCALE * LOG2E;

    loadTile(Ks, base, q0, L, ld, bq);  // stage the query tile through Ks
    __syncthreads();
    float q[HD];
#pragma unroll
    for (int d = 0; d < HD; d++) q[d] = Ks[r * LDS + d];

    float m = -INFINITY, l = 0.0f, acc[16];
#pragma unroll
    for (int e = 0; e < 16; e++) acc[e] = 0.0f;

    for (int kv0 = 0; kv0 < L; kv0 += T) {
        __syncthreads();
        loadTile(Ks, adv(base, D, bq), kv0, L, ld, bq);
        loadTile(Vs, adv(base, 2 * D, bq), kv0, L, ld, bq);
        __syncthreads();
        float s[16], mt = -INFINITY;
#pragma unroll
        for (int c = 0; c < 16; c++) {
            int j = qd + 4 * c;
            float t = 0.0f;
#pragma unroll
            for (int d = 0; d < HD; d++) t = fmaf(q[d], Ks[j * LDS + d], t);
            t = kv0 + j < L ? t * scale2 : -INFINITY;
            s[c] = t;
            mt = fmaxf(mt, t);
        }
        mt = quadMax(mt);
        float mn = fmaxf(m, mt), alpha = exp2f(m - mn), ls = 0.0f;
#pragma unroll
        for (int c = 0; c < 16; c++) { s[c] = exp2f(s[c] - mn); ls += s[c]; }
        ls = quadSum(ls);
        l = l * alpha + ls;
        m = mn;
#pragma unroll
        for (int e = 0; e < 16; e++) acc[e] *= alpha;
#pragma unroll
        for (int c = 0; c < 16; c++)
#pragma unroll
            for (int o = 0; o < 4; o++) {
                float p = __shfl_sync(FULL, s[c], (lane & ~3) | o);
                int j = o + 4 * c;
#pragma unroll
                for (int e = 0; e < 16; e++) acc[e] = fmaf(p, Vs[j * LDS + qd + 4 * e], acc[e]);
            }
    }
    if (row < L) {
        float inv = 1.0f / l;
        long long o = ((long long)b * L + row) * D + h * HD;
#pragma unroll
        for (int e = 0; e < 16; e++) {
            float v = acc[e] * inv;
            if (bo) static_cast<__nv_bfloat16*>(out)[o + qd + 4 * e] = __float2bfloat16(v);
            else static_cast<float*>(out)[o + qd + 4 * e] = v;
        }
        if (qd == 0) lse[(long long)bh * L + row] = (m + log2f(l)) * LN2;
    }
}
TRM_KERNEL(attention_fwd)

extern __shared__ __align__(16) float attention_smem[];

// grid (B*H, ceil(L/64)) (the batch on gridDim.x, which has no 65535 limit), block 256, dynamic shared memory 3*64*65*4 bytes.
extern "C" __global__ void __launch_bounds__(256) attention_bwd_dq(
        const void* __restrict__ qkv, const void* __restrict__ out, const float* __restrict__ dout,
        const float* __restrict__ lse, float* __restrict__ delta, float* __restrict__ dqkv,
        const float* __restrict__ ropeCos, const float* __restrict__ ropeSin, int L, int H, int bf) {
    using namespace attention;
    float* Ks = attention_smem;
    float* Vs = Ks + T * LDS;
    float* dOs = Vs + T * LDS;
    const int bh = blockIdx.x, b = bh / H, h = bh % H, D = H * HD, ld = 3 * D;
    const bool bq = bf & QKV_BF16, bo = bf & OUT_BF16;
    const void* base = adv(qkv, (long long)b * L * ld + h * HD, bq);
    const int q0 = blockIdx.y * T, tid = threadIdx.x, r = tid >> 2, qd = tid & 3, lane = tid & 31;
    const int row = q0 + r;
    const float scale2 = SCALE * LOG2E;

    loadTile(Ks, base, q0, L, ld, bq);
    loadTile(dOs, dout + (long long)b * L * D + h * HD, q0, L, D);
    __syncthreads();
    float q[HD];
#pragma unroll
    for (int d = 0; d < HD; d++) q[d] = Ks[r * LDS + d];
    float dl = 0.0f, lse2 = 0.0f;
    if (row < L) {
        long long o = ((long long)b * L + row) * D + h * HD;
#pragma unroll
        for (int e = 0; e < 16; e++) dl = fmaf(dOs[r * LDS + qd + 4 * e], ldv(out, o + qd + 4 * e, bo), dl);
        lse2 = lse[(long long)bh * L + row] * LOG2E;
    }
    dl = quadSum(dl);
    if (row < L && qd == 0) delta[(long long)bh * L + row] = dl;

    float dq[16];
#pragma unroll
    for (int e = 0; e < 16; e++) dq[e] = 0.0f;
    for (int kv0 = 0; kv0 < L; kv0 += T) {
        __syncthreads();
        loadTile(Ks, adv(base, D, bq), kv0, L, ld, bq);
        loadTile(Vs, adv(base, 2 * D, bq), kv0, L, ld, bq);
        __syncthreads();
        float ds[16];
#pragma unroll
        for (int c = 0; c < 16; c++) {
            int j = qd + 4 * c;
            float t = 0.0f, dp = 0.0f;
#pragma unroll
            for (int d = 0; d < HD; d++) {
                t = fmaf(q[d], Ks[j * LDS + d], t);
                dp = fmaf(dOs[r * LDS + d], Vs[j * LDS + d], dp);
            }
            float p = kv0 + j < L ? exp2f(t * scale2 - lse2) : 0.0f;
            ds[c] = p * (dp - dl);
        }
#pragma unroll
        for (int c = 0; c < 16; c++)
#pragma unroll
            for (int o = 0; o < 4; o++) {
                float g = __shfl_sync(FULL, ds[c], (lane & ~3) | o);
                int j = o + 4 * c;
#pragma unroll
                for (int e = 0; e < 16; e++) dq[e] = fmaf(g, Ks[j * LDS + qd + 4 * e], dq[e]);
            }
    }
#pragma unroll
    for (int e = 0; e < 16; e++) dq[e] *= SCALE;
    if (row < L) {
        ropeBack(dq, ropeCos, ropeSin, row, qd);
        float* g = dqkv + ((long long)b * L + row) * ld + h * HD;
#pragma unroll
        for (int e = 0; e < 16; e++) g[qd + 4 * e] = dq[e];
    }
}
TRM_KERNEL(attention_bwd_dq)

// grid (B*H, ceil(L/64)) (the batch on gridDim.x, which has no 65535 limit), block 256, dynamic shared memory (3*64*65 + 2*64)*4 bytes. Runs after
// attention_bwd_dq (reads delta).
extern "C" __global__ void __launch_bounds__(256) attention_bwd_dkdv(
        const void* __restrict__ qkv, const float* __restrict__ dout, const float* __restrict__ lse,
        const float* __restrict__ delta, float* __restrict__ dqkv,
        const float* __restrict__ ropeCos, const float* __restrict__ ropeSin, int L, int H, int bf) {
    using namespace attention;
    float* Qs = attention_smem;
    float* dOs = Qs + T * LDS;
    float* Vs = dOs + T * LDS;
    float* lse2s = Vs + T * LDS;
    float* Ds = lse2s + T;
    const int bh = blockIdx.x, b = bh / H, h = bh % H, D = H * HD, ld = 3 * D;
    const bool bq = bf & QKV_BF16;
    const void* base = adv(qkv, (long long)b * L * ld + h * HD, bq);
    const float* dbase = dout + (long long)b * L * D + h * HD;
    const int k0 = blockIdx.y * T, tid = threadIdx.x, r = tid >> 2, qd = tid & 3, lane = tid & 31;
    const int krow = k0 + r;
    const float scale2 = SCALE * LOG2E;

    loadTile(Qs, adv(base, D, bq), k0, L, ld, bq);  // stage the key tile through Qs
    loadTile(Vs, adv(base, 2 * D, bq), k0, L, ld, bq);
    __syncthreads();
    float k[HD];
#pragma unroll
    for (int d = 0; d < HD; d++) k[d] = Qs[r * LDS + d];

    float dk[16], dv[16];
#pragma unroll
    for (int e = 0; e < 16; e++) { dk[e] = 0.0f; dv[e] = 0.0f; }
    for (int i0 = 0; i0 < L; i0 += T) {
        __syncthreads();
        loadTile(Qs, base, i0, L, ld, bq);
        loadTile(dOs, dbase, i0, L, D);
        for (int e = tid; e < T; e += NT) {
            int row = i0 + e;
            lse2s[e] = row < L ? lse[(long long)bh * L + row] * LOG2E : 0.0f;
            Ds[e] = row < L ? delta[(long long)bh * L + row] : 0.0f;
        }
        __syncthreads();
        float p[16], ds[16];
#pragma unroll
        for (int c = 0; c < 16; c++) {
            int i = qd + 4 * c;
            float t = 0.0f, dp = 0.0f;
#pragma unroll
            for (int d = 0; d < HD; d++) {
                t = fmaf(k[d], Qs[i * LDS + d], t);
                dp = fmaf(Vs[r * LDS + d], dOs[i * LDS + d], dp);
            }
            p[c] = i0 + i < L ? exp2f(t * scale2 - lse2s[i]) : 0.0f;
            ds[c] = p[c] * (dp - Ds[i]);
        }
#pragma unroll
        for (int c = 0; c < 16; c++)
#pragma unroll
            for (int o = 0; o < 4; o++) {
                float pi = __shfl_sync(FULL, p[c], (lane & ~3) | o);
                float gi = __shfl_sync(FULL, ds[c], (lane & ~3) | o);
                int i = o + 4 * c;
#pragma unroll
                for (int e = 0; e < 16; e++) {
                    dv[e] = fmaf(pi, dOs[i * LDS + qd + 4 * e], dv[e]);
                    dk[e] = fmaf(gi, Qs[i * LDS + qd + 4 * e], dk[e]);
                }
            }
    }
#pragma unroll
    for (int e = 0; e < 16; e++) dk[e] *= SCALE;
    if (krow < L) {
        ropeBack(dk, ropeCos, ropeSin, krow, qd);
        float* g = dqkv + ((long long)b * L + krow) * ld + h * HD;
#pragma unroll
        for (int e = 0; e < 16; e++) {
            g[D + qd + 4 * e] = dk[e];
            g[2 * D + qd + 4 * e] = dv[e];
        }
    }
}
TRM_KERNEL(attention_bwd_dkdv)
