// optimizers.cu - fused optimizer updates over flat fp32 buffers (one pass reads p, g, m, v once):
// AdamATan2, AdamW, sparse SignSGD for the puzzle table, EMA of the weights.
// CPU reference: trm.engine.cpu.Optimizers. Scalars the cpu derives from the step (bias
// corrections, 1 - lr*wd) are computed by the host exactly as the cpu computes them and passed in.
// The fp32 arithmetic uses __f*_rn so nvcc does not fuse it into FMAs the cpu does not do.
#include "trm_kernel.h"

namespace optimizers {
// m += (1 - beta1)(g - m); v += (1 - beta2)(g^2 - v), as the cpu writes them.
__device__ __forceinline__ void moments(float gi, float* m, float* v, float beta1, float beta2, float& mi, float& vi) {
    mi = __fadd_rn(*m, __fmul_rn(1.0f - beta1, __fsub_rn(gi, *m)));
    vi = __fadd_rn(*v, __fmul_rn(1.0f - beta2, __fsub_rn(__fmul_rn(gi, gi), *v)));
    *m = mi;
    *v = vi;
}
}

// p = p*decay - lr*atan2(m/bc1, sqrt(v)/bc2Sqrt) (atan2 and the sqrt in double, as the cpu).
extern "C" __global__ void opt_adam_atan2(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                                          float* __restrict__ v, long long n, float lr, float decay, float beta1, float beta2,
                                          float bc1, float bc2Sqrt) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        float mi, vi;
        optimizers::moments(g[i], m + i, v + i, beta1, beta2, mi, vi);
        float u = (float)atan2((double)(mi / bc1), sqrt((double)vi) / (double)bc2Sqrt);
        p[i] = __fsub_rn(__fmul_rn(p[i], decay), __fmul_rn(lr, u));
    }
}
TRM_KERNEL(opt_adam_atan2)

// p = p*decay - lr*(m/bc1) / (sqrt(v)/bc2Sqrt + eps).
extern "C" __global__ void opt_adamw(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                                     float* __restrict__ v, long long n, float lr, float decay, float beta1, float beta2,
                                     float eps, float bc1, float bc2Sqrt) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        float mi, vi;
        optimizers::moments(g[i], m + i, v + i, beta1, beta2, mi, vi);
        float step = __fdiv_rn(__fmul_rn(lr, __fdiv_rn(mi, bc1)), __fadd_rn(__fdiv_rn(sqrtf(vi), bc2Sqrt), eps));
        p[i] = __fsub_rn(__fmul_rn(p[i], decay), step);
    }
}
TRM_KERNEL(opt_adamw)

// Sparse SignSGD: for each distinct id in ids [B] (handled by its first occurrence), sum the
// gradient rows dRows [B, ndim] of all its occurrences in b order, then
// table[id] = table[id]*decay - lr*sign(sum). Grid (B, ceil(ndim / blockDim.x)).
extern "C" __global__ void opt_sign_sgd(float* __restrict__ table, const float* __restrict__ dRows, const int* __restrict__ ids,
                                        int B, int ndim, float lr, float decay) {
    int b = blockIdx.x, k = blockIdx.y * blockDim.x + threadIdx.x;
    if (k >= ndim) return;
    int id = ids[b];
    for (int c = 0; c < b; c++) if (ids[c] == id) return;  // not the first occurrence
    float sum = 0.0f;
    for (int c = b; c < B; c++) if (ids[c] == id) sum = __fadd_rn(sum, dRows[(long long)c * ndim + k]);
    float sign = sum > 0.0f ? 1.0f : (sum < 0.0f ? -1.0f : sum);  // Math.signum: keeps ±0 and NaN
    float* w = table + (long long)id * ndim + k;
    *w = __fsub_rn(__fmul_rn(*w, decay), __fmul_rn(lr, sign));
}
TRM_KERNEL(opt_sign_sgd)

// shadow = decay*shadow + (1 - decay)*p, with a = 1 - decay from the host.
extern "C" __global__ void opt_ema(float* __restrict__ shadow, const float* __restrict__ p, long long n, float decay, float a) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        shadow[i] = __fadd_rn(__fmul_rn(decay, shadow[i]), __fmul_rn(a, p[i]));
}
TRM_KERNEL(opt_ema)
