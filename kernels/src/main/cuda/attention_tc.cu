// attention_tc.cu - tensor-core flash attention (FlashAttention-2 style, Dao 2023, §3.1 forward,
// §3.2 backward): non-causal, head_dim 64, WMMA m16n16k16 with bf16 operands and fp32
// accumulation; fp32 softmax statistics. The fp32 kernels of attention.cu are the exact fallback.
//
// Layouts and bf16 flags exactly as attention.cu: qkv [B, L, 3D] = [q heads | k heads | v heads]
// per row, D = H*64 (fp32, or bf16 with QKV_BF16); out [B, L, D] (fp32, or bf16 with OUT_BF16);
// lse, delta [B, H, L] fp32 (natural log); dOut [B, L, D] fp32; dqkv [B, L, 3D] fp32.
//
// Every block is 4 warps (128 threads) and owns one 64-row tile of one (b, h); each warp owns 16
// rows of it. The other operand streams through shared memory in 64-row tiles, staged as bf16
// (rounded to nearest even once, on the way in; rows >= L staged as zeros).
//
//   attention_tc_fwd      per query tile: S = Q Kᵀ (tensor cores) -> fp32 scores in shared memory;
//                         two lanes per query row keep the running max m and sum l (fp32), write
//                         P = exp(S/8 - m) as bf16 and rescale their fp32 O accumulator; O += P V
//                         (tensor cores). out = O / l, lse = m + ln l.
//   attention_tc_bwd_dq   per query tile: delta_i = Σ_d dO·O (fp32, from the unrounded inputs);
//                         per key tile S = Q Kᵀ, dP = dO Vᵀ, dS = P (dP - delta) as bf16,
//                         dQ += dS K (accumulator fragments); dQ /= 8.
//   attention_tc_bwd_dkdv per key tile, after bwd_dq (reads delta): per query tile Sᵀ = K Qᵀ,
//                         Pᵀ (bf16), dV += Pᵀ dO; dPᵀ = V dOᵀ, dSᵀ (bf16), dK += dSᵀ Q; dK /= 8.
// No atomics: every output element belongs to one accumulator fragment of one warp, which sums
// the tiles in ascending order, and the fragment sums run in k order: the result depends only on
// the inputs (bit-identical across runs and thread orders). With ropeCos/ropeSin non-null the
// backward kernels rotate dQ and dK back (RoPE's transpose, as attention.cu's ropeBack).
//
// Shared memory (dynamic, attention_tc_smem): two 64x72 bf16 tiles (ld 72: rows 144 B, so every
// 16x16 fragment starts 32-byte aligned), per warp one 16x68 fp32 tile (scores, dP, and finally
// the output rows) and one 16x72 bf16 tile (P / dS): 45 056 B (bwd_dkdv: + 512 B for lse, delta).
#include <cuda_bf16.h>
#include <mma.h>
#include "trm_kernel.h"

namespace attention_tc {
using namespace nvcuda;
constexpr int HD = 64, T = 64, WARPS = 4, NT = WARPS * 32, WR = T / WARPS;  // WR = rows per warp (16)
constexpr int LDH = HD + 8;   // bf16 tile leading dimension (elements)
constexpr int LDF = HD + 4;   // fp32 tile leading dimension (elements)
constexpr int TILE_BYTES = T * LDH * 2;        // one 64x72 bf16 tile: 9216
constexpr int WARP_F_BYTES = WR * LDF * 4;     // one warp's 16x68 fp32 tile: 4352
constexpr int WARP_H_BYTES = WR * LDH * 2;     // one warp's 16x72 bf16 tile: 2304
constexpr int SMEM_BYTES = 2 * TILE_BYTES + WARPS * (WARP_F_BYTES + WARP_H_BYTES);  // 45056
constexpr float LOG2E = 1.4426950408889634f, LN2 = 0.6931471805599453f;
constexpr float SCALE = 0.125f;  // 1/sqrt(64)
enum Bf16 { QKV_BF16 = 1, OUT_BF16 = 2 };  // trm.kernels.launch.Attention.BF16_*
static_assert(SMEM_BYTES == 45056, "trm.kernels.launch.Attention.TC_SHARED");

using FragA = wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major>;
using FragBRow = wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major>;
using FragBCol = wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major>;
using FragC = wmma::fragment<wmma::accumulator, 16, 16, 16, float>;

__device__ __forceinline__ float ldv(const void* p, long long i, bool bf) {
    return bf ? __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]) : static_cast<const float*>(p)[i];
}
__device__ __forceinline__ const void* adv(const void* p, long long n, bool bf) {
    return static_cast<const char*>(p) + n * (bf ? 2 : 4);
}

// tile[r][d] (bf16, ld LDH) = src[(row0 + r)*ld + d] rounded to bf16 for rows < L, else 0. All threads.
__device__ __forceinline__ void stage(__nv_bfloat16* tile, const void* src, int row0, int L, int ld, bool bf) {
    for (int e = threadIdx.x; e < T * HD; e += NT) {
        int r = e / HD, d = e % HD, row = row0 + r;
        if (bf) tile[r * LDH + d] = row < L ? static_cast<const __nv_bfloat16*>(src)[(long long)row * ld + d] : __float2bfloat16(0.0f);
        else tile[r * LDH + d] = __float2bfloat16(row < L ? static_cast<const float*>(src)[(long long)row * ld + d] : 0.0f);
    }
}

// acc[n] = A (16x64, fragments a[0..3] along k) times the 64x64 matrix B whose (k, n) element is
// at Bs[n*LDH + k] (col_major: B = a tile's transpose) or Bs[k*LDH + n] (row_major); 16x64 result
// stored row-major into out (fp32, ld LDF).
template <bool TRANS_B>
__device__ __forceinline__ void rowTimesTile(float* out, const FragA (&a)[4], const __nv_bfloat16* Bs) {
#pragma unroll
    for (int n = 0; n < 4; n++) {
        FragC c;
        wmma::fill_fragment(c, 0.0f);
#pragma unroll
        for (int k = 0; k < 4; k++) {
            if (TRANS_B) {
                FragBCol b;
                wmma::load_matrix_sync(b, Bs + (n * 16) * LDH + k * 16, LDH);
                wmma::mma_sync(c, a[k], b, c);
            } else {
                FragBRow b;
                wmma::load_matrix_sync(b, Bs + (k * 16) * LDH + n * 16, LDH);
                wmma::mma_sync(c, a[k], b, c);
            }
        }
        wmma::store_matrix_sync(out + n * 16, c, LDF, wmma::mem_row_major);
    }
}

// acc[n] += A (16x64 bf16 in shared memory, ld LDH) times Bs (64x64 row-major, ld LDH).
__device__ __forceinline__ void accumulate(FragC (&acc)[4], const __nv_bfloat16* As, const __nv_bfloat16* Bs) {
    FragA a[4];
#pragma unroll
    for (int k = 0; k < 4; k++) wmma::load_matrix_sync(a[k], As + k * 16, LDH);
#pragma unroll
    for (int n = 0; n < 4; n++)
#pragma unroll
        for (int k = 0; k < 4; k++) {
            FragBRow b;
            wmma::load_matrix_sync(b, Bs + (k * 16) * LDH + n * 16, LDH);
            wmma::mma_sync(acc[n], a[k], b, acc[n]);
        }
}

// The 16 rows of a warp, from a staged tile, as four k-fragments.
__device__ __forceinline__ void loadRows(FragA (&a)[4], const __nv_bfloat16* tile, int warp) {
#pragma unroll
    for (int k = 0; k < 4; k++) wmma::load_matrix_sync(a[k], tile + warp * WR * LDH + k * 16, LDH);
}

// Writes a warp's 16 gradient rows (fp32 in Fs, ld LDF) times SCALE (when scaled) into
// dst[(row0 + r)*ld + d] for rows < L, rotated back by RoPE (pairs d, d+32) when cosT is non-null.
__device__ __forceinline__ void storeGrad(float* dst, const float* Fs, int row0, int L, int ld, float scale,
                                          const float* cosT, const float* sinT) {
    const int lane = threadIdx.x & 31;
    for (int e = lane; e < WR * (HD / 2); e += 32) {
        int r = e / (HD / 2), d = e % (HD / 2), row = row0 + r;
        if (row >= L) continue;
        float g1 = Fs[r * LDF + d] * scale, g2 = Fs[r * LDF + d + HD / 2] * scale;
        if (cosT) {
            float c = cosT[row * HD + d], s = sinT[row * HD + d];
            float x1 = g1, x2 = g2;
            g1 = x1 * c + x2 * s;
            g2 = x2 * c - x1 * s;
        }
        dst[(long long)row * ld + d] = g1;
        dst[(long long)row * ld + d + HD / 2] = g2;
    }
}
} // namespace attention_tc

extern __shared__ __align__(128) unsigned char attention_tc_smem[];

// grid (B*H, ceil(L/64)), block 128, dynamic shared memory 45 056 bytes.
extern "C" __global__ void __launch_bounds__(128) attention_tc_fwd(const void* __restrict__ qkv, void* __restrict__ out,
                                                                  float* __restrict__ lse, int L, int H, int bf) {
    using namespace attention_tc;
    __nv_bfloat16* Ks = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem);
    __nv_bfloat16* Vs = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem + TILE_BYTES);
    const int warp = threadIdx.x / 32, lane = threadIdx.x & 31;
    float* Sw = reinterpret_cast<float*>(attention_tc_smem + 2 * TILE_BYTES + warp * WARP_F_BYTES);
    __nv_bfloat16* Pw = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem + 2 * TILE_BYTES + WARPS * WARP_F_BYTES + warp * WARP_H_BYTES);
    __nv_bfloat16* Qstage = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem + 2 * TILE_BYTES);  // over the fp32 tiles, before the loop

    const int bh = blockIdx.x, b = bh / H, h = bh % H, D = H * HD, ld = 3 * D;
    const bool bq = bf & QKV_BF16, bo = bf & OUT_BF16;
    const void* base = adv(qkv, (long long)b * L * ld + h * HD, bq);
    const int q0 = blockIdx.y * T;
    // lane -> (row r of the warp's 16, columns c0 + 2c): two lanes per row, interleaved columns
    const int r = lane >> 1, c0 = lane & 1;
    const float scale2 = SCALE * LOG2E;

    stage(Qstage, base, q0, L, ld, bq);
    __syncthreads();
    FragA qa[4];
    loadRows(qa, Qstage, warp);

    float m = -INFINITY, l = 0.0f, o[32];
#pragma unroll
    for (int c = 0; c < 32; c++) o[c] = 0.0f;

    for (int kv0 = 0; kv0 < L; kv0 += T) {
        __syncthreads();  // previous tile (and the Q staging) consumed
        stage(Ks, adv(base, D, bq), kv0, L, ld, bq);
        stage(Vs, adv(base, 2 * D, bq), kv0, L, ld, bq);
        __syncthreads();
        rowTimesTile<true>(Sw, qa, Ks);  // S = Q Kᵀ
        __syncwarp();
        float s[32], mt = -INFINITY;
#pragma unroll
        for (int c = 0; c < 32; c++) {
            int j = c0 + 2 * c;
            s[c] = kv0 + j < L ? Sw[r * LDF + j] * scale2 : -INFINITY;
            mt = fmaxf(mt, s[c]);
        }
        mt = fmaxf(mt, __shfl_xor_sync(0xffffffffu, mt, 1));
        float mn = fmaxf(m, mt), alpha = exp2f(m - mn), ls = 0.0f;
#pragma unroll
        for (int c = 0; c < 32; c++) {
            float p = exp2f(s[c] - mn);
            ls += p;
            Pw[r * LDH + c0 + 2 * c] = __float2bfloat16(p);
        }
        ls += __shfl_xor_sync(0xffffffffu, ls, 1);
        l = l * alpha + ls;
        m = mn;
        __syncwarp();
        FragC pv[4];
#pragma unroll
        for (int n = 0; n < 4; n++) wmma::fill_fragment(pv[n], 0.0f);
        accumulate(pv, Pw, Vs);  // P V for this tile
#pragma unroll
        for (int n = 0; n < 4; n++) wmma::store_matrix_sync(Sw + n * 16, pv[n], LDF, wmma::mem_row_major);
        __syncwarp();
#pragma unroll
        for (int c = 0; c < 32; c++) o[c] = fmaf(o[c], alpha, Sw[r * LDF + c0 + 2 * c]);
        __syncwarp();
    }
    // O / l through the warp's fp32 tile, so the warp writes whole rows
    const float inv = 1.0f / l;
#pragma unroll
    for (int c = 0; c < 32; c++) Sw[r * LDF + c0 + 2 * c] = o[c] * inv;
    const int row = q0 + warp * WR + r;
    if (c0 == 0 && row < L) lse[(long long)bh * L + row] = (m + log2f(l)) * LN2;
    __syncwarp();
    for (int e = lane; e < WR * HD; e += 32) {
        int rr = e / HD, d = e % HD, orow = q0 + warp * WR + rr;
        if (orow >= L) continue;
        long long oi = ((long long)b * L + orow) * D + h * HD + d;
        if (bo) static_cast<__nv_bfloat16*>(out)[oi] = __float2bfloat16(Sw[rr * LDF + d]);
        else static_cast<float*>(out)[oi] = Sw[rr * LDF + d];
    }
}
TRM_KERNEL(attention_tc_fwd)

// grid (B*H, ceil(L/64)), block 128, dynamic shared memory 45 056 bytes. Writes delta and the dQ third of dqkv.
extern "C" __global__ void __launch_bounds__(128) attention_tc_bwd_dq(
        const void* __restrict__ qkv, const void* __restrict__ out, const float* __restrict__ dout,
        const float* __restrict__ lse, float* __restrict__ delta, float* __restrict__ dqkv,
        const float* __restrict__ ropeCos, const float* __restrict__ ropeSin, int L, int H, int bf) {
    using namespace attention_tc;
    __nv_bfloat16* Ks = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem);
    __nv_bfloat16* Vs = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem + TILE_BYTES);
    const int warp = threadIdx.x / 32, lane = threadIdx.x & 31;
    float* Sw = reinterpret_cast<float*>(attention_tc_smem + 2 * TILE_BYTES + warp * WARP_F_BYTES);
    __nv_bfloat16* DSw = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem + 2 * TILE_BYTES + WARPS * WARP_F_BYTES + warp * WARP_H_BYTES);

    const int bh = blockIdx.x, b = bh / H, h = bh % H, D = H * HD, ld = 3 * D;
    const bool bq = bf & QKV_BF16, bo = bf & OUT_BF16;
    const void* base = adv(qkv, (long long)b * L * ld + h * HD, bq);
    const float* dbase = dout + (long long)b * L * D + h * HD;
    const int q0 = blockIdx.y * T, r = lane >> 1, c0 = lane & 1;
    const int row = q0 + warp * WR + r;
    const float scale2 = SCALE * LOG2E;

    // Q and dO of this tile through Ks, Vs: the warp's rows as fragments for the whole loop
    stage(Ks, base, q0, L, ld, bq);
    stage(Vs, dbase, q0, L, D, false);
    __syncthreads();
    FragA qa[4], da[4];
    loadRows(qa, Ks, warp);
    loadRows(da, Vs, warp);

    // delta = Σ_d dO·O in fp32 from the unrounded dO (and out as stored), lse in log2 units
    float dl = 0.0f, lse2 = 0.0f;
    if (row < L) {
        long long oi = ((long long)b * L + row) * D + h * HD;
#pragma unroll 8
        for (int c = 0; c < 32; c++) {
            int d = c0 + 2 * c;
            dl = fmaf(dbase[(long long)row * D + d], ldv(out, oi + d, bo), dl);
        }
        lse2 = lse[(long long)bh * L + row] * LOG2E;
    }
    dl += __shfl_xor_sync(0xffffffffu, dl, 1);
    if (row < L && c0 == 0) delta[(long long)bh * L + row] = dl;

    FragC dq[4];
#pragma unroll
    for (int n = 0; n < 4; n++) wmma::fill_fragment(dq[n], 0.0f);
    for (int kv0 = 0; kv0 < L; kv0 += T) {
        __syncthreads();
        stage(Ks, adv(base, D, bq), kv0, L, ld, bq);
        stage(Vs, adv(base, 2 * D, bq), kv0, L, ld, bq);
        __syncthreads();
        rowTimesTile<true>(Sw, qa, Ks);  // S = Q Kᵀ
        __syncwarp();
        float p[32];
#pragma unroll
        for (int c = 0; c < 32; c++) {
            int j = c0 + 2 * c;
            p[c] = kv0 + j < L ? exp2f(Sw[r * LDF + j] * scale2 - lse2) : 0.0f;
        }
        __syncwarp();
        rowTimesTile<true>(Sw, da, Vs);  // dP = dO Vᵀ
        __syncwarp();
#pragma unroll
        for (int c = 0; c < 32; c++) {
            int j = c0 + 2 * c;
            DSw[r * LDH + j] = __float2bfloat16(p[c] * (Sw[r * LDF + j] - dl));
        }
        __syncwarp();
        accumulate(dq, DSw, Ks);  // dQ += dS K
    }
#pragma unroll
    for (int n = 0; n < 4; n++) wmma::store_matrix_sync(Sw + n * 16, dq[n], LDF, wmma::mem_row_major);
    __syncwarp();
    storeGrad(dqkv + (long long)b * L * ld + h * HD, Sw, q0 + warp * WR, L, ld, SCALE, ropeCos, ropeSin);
}
TRM_KERNEL(attention_tc_bwd_dq)

// grid (B*H, ceil(L/64)), block 128, dynamic shared memory 45 568 bytes. Runs after
// attention_tc_bwd_dq (reads delta); writes the dK and dV thirds of dqkv.
extern "C" __global__ void __launch_bounds__(128) attention_tc_bwd_dkdv(
        const void* __restrict__ qkv, const float* __restrict__ dout, const float* __restrict__ lse,
        const float* __restrict__ delta, float* __restrict__ dqkv,
        const float* __restrict__ ropeCos, const float* __restrict__ ropeSin, int L, int H, int bf) {
    using namespace attention_tc;
    __nv_bfloat16* Qs = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem);
    __nv_bfloat16* dOs = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem + TILE_BYTES);
    const int warp = threadIdx.x / 32, lane = threadIdx.x & 31;
    float* Sw = reinterpret_cast<float*>(attention_tc_smem + 2 * TILE_BYTES + warp * WARP_F_BYTES);
    __nv_bfloat16* Pw = reinterpret_cast<__nv_bfloat16*>(attention_tc_smem + 2 * TILE_BYTES + WARPS * WARP_F_BYTES + warp * WARP_H_BYTES);
    float* lse2s = reinterpret_cast<float*>(attention_tc_smem + SMEM_BYTES);
    float* Ds = lse2s + T;

    const int bh = blockIdx.x, b = bh / H, h = bh % H, D = H * HD, ld = 3 * D;
    const bool bq = bf & QKV_BF16;
    const void* base = adv(qkv, (long long)b * L * ld + h * HD, bq);
    const float* dbase = dout + (long long)b * L * D + h * HD;
    const int k0 = blockIdx.y * T, r = lane >> 1, c0 = lane & 1;
    const float scale2 = SCALE * LOG2E;

    // K and V of this tile through Qs, dOs: the warp's key rows as fragments for the whole loop
    stage(Qs, adv(base, D, bq), k0, L, ld, bq);
    stage(dOs, adv(base, 2 * D, bq), k0, L, ld, bq);
    __syncthreads();
    FragA ka[4], va[4];
    loadRows(ka, Qs, warp);
    loadRows(va, dOs, warp);

    FragC dk[4], dv[4];
#pragma unroll
    for (int n = 0; n < 4; n++) { wmma::fill_fragment(dk[n], 0.0f); wmma::fill_fragment(dv[n], 0.0f); }
    for (int i0 = 0; i0 < L; i0 += T) {
        __syncthreads();
        stage(Qs, base, i0, L, ld, bq);
        stage(dOs, dbase, i0, L, D, false);
        for (int e = threadIdx.x; e < T; e += NT) {
            int qrow = i0 + e;
            lse2s[e] = qrow < L ? lse[(long long)bh * L + qrow] * LOG2E : 0.0f;
            Ds[e] = qrow < L ? delta[(long long)bh * L + qrow] : 0.0f;
        }
        __syncthreads();
        rowTimesTile<true>(Sw, ka, Qs);  // Sᵀ = K Qᵀ (rows: this warp's keys, columns: the tile's queries)
        __syncwarp();
        float p[32];
#pragma unroll
        for (int c = 0; c < 32; c++) {
            int i = c0 + 2 * c;
            p[c] = i0 + i < L ? exp2f(Sw[r * LDF + i] * scale2 - lse2s[i]) : 0.0f;
            Pw[r * LDH + i] = __float2bfloat16(p[c]);
        }
        __syncwarp();
        accumulate(dv, Pw, dOs);  // dV += Pᵀ dO
        rowTimesTile<true>(Sw, va, dOs);  // dPᵀ = V dOᵀ
        __syncwarp();
#pragma unroll
        for (int c = 0; c < 32; c++) {
            int i = c0 + 2 * c;
            Pw[r * LDH + i] = __float2bfloat16(p[c] * (Sw[r * LDF + i] - Ds[i]));
        }
        __syncwarp();
        accumulate(dk, Pw, Qs);  // dK += dSᵀ Q
        __syncwarp();
    }
    float* g = dqkv + (long long)b * L * ld + h * HD;
#pragma unroll
    for (int n = 0; n < 4; n++) wmma::store_matrix_sync(Sw + n * 16, dk[n], LDF, wmma::mem_row_major);
    __syncwarp();
    storeGrad(g + D, Sw, k0 + warp * WR, L, ld, SCALE, ropeCos, ropeSin);
    __syncwarp();
#pragma unroll
    for (int n = 0; n < 4; n++) wmma::store_matrix_sync(Sw + n * 16, dv[n], LDF, wmma::mem_row_major);
    __syncwarp();
    storeGrad(g + 2 * D, Sw, k0 + warp * WR, L, ld, 1.0f, nullptr, nullptr);
}
TRM_KERNEL(attention_tc_bwd_dkdv)
