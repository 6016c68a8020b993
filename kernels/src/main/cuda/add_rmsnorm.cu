// add_rmsnorm.cu - residual add + RMSNorm (no learned scale) over the last axis of [rows, C], and
// its backward. CPU reference: trm.engine.cpu.AddRmsNorm.
// One warp per row (blockDim.x = 32, blockDim.y rows per block), warp-shuffle reductions in fp32.
// Any of out, a, b (forward) and out (backward) may be bf16 instead of fp32 (bits of `bf`, see
// below): the kernel devices keep saved activations in bf16; the arithmetic stays fp32.
#include <cuda_bf16.h>
#include "trm_kernel.h"

namespace add_rmsnorm {
enum Bf16 { OUT = 1, A = 2, B = 4 };  // trm.kernels.launch.AddRmsNorm.BF16_*

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float ld(const void* p, long long i, bool bf) {
    return bf ? __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]) : static_cast<const float*>(p)[i];
}
}

// x = a + b; out = x * rstd, rstd = 1/sqrt(mean(x^2) + eps) (the reciprocal square root in double,
// as the cpu computes it); rstd [rows] written when non-null. out may alias a or b (same dtype):
// x is summed twice from a and b, and every element is read and then written by the same lane, so
// a bf16 out is rounded once, from the fp32 x * rstd.
extern "C" __global__ void add_rmsnorm_fwd(void* out, float* rstd, const void* a, const void* b, int rows, int C, float eps, int bf) {
    using namespace add_rmsnorm;
    int row = blockIdx.x * blockDim.y + threadIdx.y;
    if (row >= rows) return;  // whole warps leave together
    const bool bo = bf & OUT, ba = bf & A, bb = bf & B;
    long long o = (long long)row * C;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < C; i += 32) {
        float x = ld(a, o + i, ba) + ld(b, o + i, bb);
        ss = fmaf(x, x, ss);
    }
    ss = warp_sum(ss);
    float rs = (float)(1.0 / sqrt((double)(ss / (float)C + eps)));
    for (int i = threadIdx.x; i < C; i += 32) {
        float y = (ld(a, o + i, ba) + ld(b, o + i, bb)) * rs;
        if (bo) static_cast<__nv_bfloat16*>(out)[o + i] = __float2bfloat16(y);
        else static_cast<float*>(out)[o + i] = y;
    }
    if (rstd != nullptr && threadIdx.x == 0) rstd[row] = rs;
}
TRM_KERNEL(add_rmsnorm_fwd)

// dIn = rstd * (dOut - out * mean(dOut * out)); dIn may alias dOut; out is bf16 when bf & OUT.
extern "C" __global__ void add_rmsnorm_bwd(float* dIn, const float* dOut, const void* __restrict__ out,
                                           const float* __restrict__ rstd, int rows, int C, int bf) {
    using namespace add_rmsnorm;
    int row = blockIdx.x * blockDim.y + threadIdx.y;
    if (row >= rows) return;
    const bool bo = bf & OUT;
    long long o = (long long)row * C;
    float dot = 0.0f;
    for (int i = threadIdx.x; i < C; i += 32) dot = fmaf(dOut[o + i], ld(out, o + i, bo), dot);
    float mean = warp_sum(dot) / (float)C;
    float rs = rstd[row];
    for (int i = threadIdx.x; i < C; i += 32) dIn[o + i] = __fmul_rn(__fsub_rn(dOut[o + i], __fmul_rn(ld(out, o + i, bo), mean)), rs);
}
TRM_KERNEL(add_rmsnorm_bwd)
