// rope.cu - rotary position embedding ("rotate half") applied in place to the q and k parts of
// qkv [B, L, 3*H*hd] ([q heads | k heads | v heads]); backward is the inverse rotation in place on
// dqkv. CPU reference: trm.engine.cpu.Rope. Bit-identical to the cpu (no fused multiply-adds).
// Test set (trm_kernels_test): production fuses RoPE into gemm.cu's qkv epilogue and undoes it inside
// attention.cu's backward; this standalone kernel stays under the parity suite.
#include "trm_kernel.h"

namespace rope {
// One thread per (row, part, head, i < hd/2): x1 = x[i], x2 = x[i + hd/2];
// x1' = x1*c - x2*s, x2' = x2*c + x1*s with s = sign * sin.
__device__ __forceinline__ void rotate(float* x, const float* cs, const float* sn, long long rows, int L, int H, int hd, float sign) {
    int half = hd / 2, D = H * hd;
    long long n = rows * 2 * H * half, stride = (long long)gridDim.x * blockDim.x;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += stride) {
        int i = (int)(t % half);
        long long rest = t / half;
        int h = (int)(rest % H); rest /= H;
        int part = (int)(rest % 2);
        long long r = rest / 2;
        int p = (int)(r % L);
        long long base = r * 3 * D + (long long)part * D + (long long)h * hd;
        float c = cs[p * hd + i], s = sign * sn[p * hd + i];
        float x1 = x[base + i], x2 = x[base + i + half];
        x[base + i] = __fsub_rn(__fmul_rn(x1, c), __fmul_rn(x2, s));
        x[base + i + half] = __fadd_rn(__fmul_rn(x2, c), __fmul_rn(x1, s));
    }
}
}

extern "C" __global__ void rope_fwd(float* qkv, const float* __restrict__ cs, const float* __restrict__ sn, long long rows,
                                    int L, int H, int hd) {
    rope::rotate(qkv, cs, sn, rows, L, H, hd, 1.0f);
}
TRM_KERNEL(rope_fwd)

extern "C" __global__ void rope_bwd(float* dqkv, const float* __restrict__ cs, const float* __restrict__ sn, long long rows,
                                    int L, int H, int hd) {
    rope::rotate(dqkv, cs, sn, rows, L, H, hd, -1.0f);
}
TRM_KERNEL(rope_bwd)
