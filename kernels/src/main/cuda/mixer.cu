// mixer.cu - the MLP-mixer's (MLP-t) residual add + RMSNorm over the SEQUENCE axis, axis 1 of
// h [B, L, D], forward and backward, without transposing anything in global memory.
//
// TRM's token mixing transposes h to [B, D, L], applies SwiGLU over L, adds the residual and
// RMS-normalises over L, and transposes back. The heavy-kernel route keeps [B, ·, D] throughout:
//   G[b] [2It, D] = W1 [2It, L] · h[b] [L, D]        gemm_ab_*, SWIGLU_ROWS epilogue -> A[b] [It, D]
//   X[b] [L, D]   = h[b] + W2 [L, It] · A[b] [It, D]  gemm_ab_*, residual epilogue
//   out[b, l, d]  = X[b, l, d] · rstd[b, d],  rstd[b, d] = 1/sqrt(mean_l X[b, l, d]^2 + eps)   (here)
// and the backward likewise (see trm.kernels.heavy.Mixer). For each (b, d) the norm runs over l,
// i.e. down a column of the [L, D] slab; a block takes 32 adjacent columns (coalesced 128-byte
// rows) and 8 row groups, reduced in a fixed order (deterministic).
#include "trm_kernel.h"

namespace mixer {
// Block (32 x 8): lane tx = column within the block's 32, ty = row group; fixed-order sum over ty.
__device__ __forceinline__ float columnSum(float v, float (*part)[33]) {
    int tx = threadIdx.x % 32, ty = threadIdx.x / 32;
    part[ty][tx] = v;
    __syncthreads();
    float t = 0.0f;
#pragma unroll
    for (int k = 0; k < 8; k++) t += part[k][tx];
    __syncthreads();
    return t;
}
} // namespace mixer

// out = (a + b) · rstd over axis 1 of [B, L, D]; b may be null; out may alias a or b; rstd [B, D]
// may be null. grid (B, ceil(D/32)) (the batch on gridDim.x), block 256.
extern "C" __global__ void __launch_bounds__(256) mixer_norm_fwd(const float* a, const float* b, float* out,
                                                                 float* __restrict__ rstd, int L, int D, float eps) {
    __shared__ float part[8][33];
    int tx = threadIdx.x % 32, ty = threadIdx.x / 32;
    int d = blockIdx.y * 32 + tx;
    long long base = (long long)blockIdx.x * L * D;
    float ss = 0.0f;
    if (d < D)
        for (int l = ty; l < L; l += 8) {
            long long o = base + (long long)l * D + d;
            float x = b ? a[o] + b[o] : a[o];
            ss = fmaf(x, x, ss);
        }
    float rs = rsqrtf(mixer::columnSum(ss, part) / L + eps);
    if (d >= D) return;
    if (rstd && ty == 0) rstd[(long long)blockIdx.x * D + d] = rs;
    for (int l = ty; l < L; l += 8) {
        long long o = base + (long long)l * D + d;
        float x = b ? a[o] + b[o] : a[o];
        out[o] = x * rs;
    }
}
TRM_KERNEL(mixer_norm_fwd)

// dIn = rstd · (dOut − out · mean_l(dOut ⊙ out)) over axis 1 of [B, L, D] (the gradient w.r.t. both
// summands), or dIn += that when accumulate. dIn may alias dOut. grid (B, ceil(D/32)) (the batch on gridDim.x), block 256.
extern "C" __global__ void __launch_bounds__(256) mixer_norm_bwd(const float* dOut, const float* __restrict__ out,
                                                                 const float* __restrict__ rstd, float* dIn,
                                                                 int L, int D, int accumulate) {
    __shared__ float part[8][33];
    int tx = threadIdx.x % 32, ty = threadIdx.x / 32;
    int d = blockIdx.y * 32 + tx;
    long long base = (long long)blockIdx.x * L * D;
    float dot = 0.0f;
    if (d < D)
        for (int l = ty; l < L; l += 8) {
            long long o = base + (long long)l * D + d;
            dot = fmaf(dOut[o], out[o], dot);
        }
    float mean = mixer::columnSum(dot, part) / L;
    if (d >= D) return;
    float rs = rstd[(long long)blockIdx.x * D + d];
    for (int l = ty; l < L; l += 8) {
        long long o = base + (long long)l * D + d;
        float g = rs * (dOut[o] - out[o] * mean);
        dIn[o] = accumulate ? dIn[o] + g : g;
    }
}
TRM_KERNEL(mixer_norm_bwd)
