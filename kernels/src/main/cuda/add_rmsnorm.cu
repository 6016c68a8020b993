// add_rmsnorm.cu - residual add + RMSNorm (no learned scale) over the last axis of [rows, C], and
// its backward. CPU reference: trm.engine.cpu.AddRmsNorm.
// One warp per row (blockDim.x = 32, blockDim.y rows per block), warp-shuffle reductions in fp32.
#include "trm_kernel.h"

namespace add_rmsnorm {
__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
}

// x = a + b; out = x * rstd, rstd = 1/sqrt(mean(x^2) + eps) (the reciprocal square root in double,
// as the cpu computes it); rstd [rows] written when non-null. out may alias a or b: every element
// is read and written by the same lane.
extern "C" __global__ void add_rmsnorm_fwd(float* out, float* rstd, const float* a, const float* b, int rows, int C, float eps) {
    int row = blockIdx.x * blockDim.y + threadIdx.y;
    if (row >= rows) return;  // whole warps leave together
    long long o = (long long)row * C;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < C; i += 32) {
        float x = a[o + i] + b[o + i];
        out[o + i] = x;
        ss = fmaf(x, x, ss);
    }
    ss = add_rmsnorm::warp_sum(ss);
    float rs = (float)(1.0 / sqrt((double)(ss / (float)C + eps)));
    for (int i = threadIdx.x; i < C; i += 32) out[o + i] = out[o + i] * rs;
    if (rstd != nullptr && threadIdx.x == 0) rstd[row] = rs;
}
TRM_KERNEL(add_rmsnorm_fwd)

// dIn = rstd * (dOut - out * mean(dOut * out)); dIn may alias dOut.
extern "C" __global__ void add_rmsnorm_bwd(float* dIn, const float* dOut, const float* __restrict__ out,
                                           const float* __restrict__ rstd, int rows, int C) {
    int row = blockIdx.x * blockDim.y + threadIdx.y;
    if (row >= rows) return;
    long long o = (long long)row * C;
    float dot = 0.0f;
    for (int i = threadIdx.x; i < C; i += 32) dot = fmaf(dOut[o + i], out[o + i], dot);
    float mean = add_rmsnorm::warp_sum(dot) / (float)C;
    float rs = rstd[row];
    for (int i = threadIdx.x; i < C; i += 32) dIn[o + i] = __fmul_rn(__fsub_rn(dOut[o + i], __fmul_rn(out[o + i], mean)), rs);
}
TRM_KERNEL(add_rmsnorm_bwd)
