// qhead.cu - the halting head: q [B, 2] = y[:, 0, :] . w^T + bias, reading only the first
// position of each sample, and its backward. CPU reference: trm.engine.cpu.QHead.
#include "trm_kernel.h"

namespace qhead {
__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
}

// Grid B, block (32, 2): warp j computes q[b, j].
extern "C" __global__ void qhead_fwd(float* __restrict__ q, const float* __restrict__ y, const float* __restrict__ w,
                                     const float* __restrict__ bias, int L, int D) {
    int b = blockIdx.x, j = threadIdx.y;
    const float* yr = y + (long long)b * L * D;
    float acc = 0.0f;
    for (int d = threadIdx.x; d < D; d += 32) acc = fmaf(yr[d], w[j * D + d], acc);
    acc = qhead::warp_sum(acc);
    if (threadIdx.x == 0) q[b * 2 + j] = acc + bias[j];
}
TRM_KERNEL(qhead_fwd)

// dy[b, 0, d] += dq[b,0]*w[0,d] + dq[b,1]*w[1,d] (in j order, as the cpu); grid-stride over B*D.
extern "C" __global__ void qhead_bwd_dy(float* __restrict__ dy, const float* __restrict__ dq, const float* __restrict__ w,
                                        int B, int L, int D) {
    long long n = (long long)B * D, stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        long long b = i / D;
        int d = (int)(i % D);
        float* p = dy + b * L * D + d;
        float acc = *p;
        acc = fmaf(dq[b * 2], w[d], acc);
        acc = fmaf(dq[b * 2 + 1], w[D + d], acc);
        *p = acc;
    }
}
TRM_KERNEL(qhead_bwd_dy)

// dW [2, D] += Σ_b dq[b, j] y[b, 0, :] and dBias [2] += Σ_b dq[b, j], sums in b order (deterministic,
// no atomics): threads 0 .. 2D-1 own one weight each, threads 2D and 2D+1 the biases.
extern "C" __global__ void qhead_bwd_dw(float* __restrict__ dW, float* __restrict__ dBias, const float* __restrict__ dq,
                                        const float* __restrict__ y, int B, int L, int D) {
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t < 2 * D) {
        int j = t / D, d = t % D;
        float acc = dW[t];
        for (int b = 0; b < B; b++) acc = fmaf(dq[b * 2 + j], y[(long long)b * L * D + d], acc);
        dW[t] = acc;
    } else if (t < 2 * D + 2) {
        int j = t - 2 * D;
        float acc = dBias[j];
        for (int b = 0; b < B; b++) acc += dq[b * 2 + j];
        dBias[j] = acc;
    }
}
TRM_KERNEL(qhead_bwd_dw)
