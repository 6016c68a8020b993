// swiglu.cu - SwiGLU activation between gate_up_proj and down_proj: out = silu(gate) * up, gate
// and up the two halves of each row of gateUp [rows, 2I]; and its backward.
// CPU reference: trm.engine.cpu.SwiGlu (sigmoid there is in double, here in fp32: within 1e-6).
// Test set (trm_kernels_test): production fuses SwiGLU into gemm.cu's epilogues (forward and backward);
// this standalone kernel stays under the parity suite.
#include "trm_kernel.h"

namespace swiglu {
__device__ __forceinline__ float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }
}

// out [rows, I] from gateUp [rows, 2I]; grid-stride over rows*I.
extern "C" __global__ void swiglu_fwd(float* __restrict__ out, const float* __restrict__ gu, long long rows, int I) {
    long long n = rows * I, stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        long long r = i / I, c = i % I, g = r * 2 * I + c;
        float x = gu[g];
        out[i] = __fmul_rn(__fmul_rn(x, swiglu::sigmoid(x)), gu[g + I]);
    }
}
TRM_KERNEL(swiglu_fwd)

// dGateUp [rows, 2I] (written) from dOut [rows, I].
extern "C" __global__ void swiglu_bwd(float* __restrict__ dgu, const float* __restrict__ dOut, const float* __restrict__ gu,
                                      long long rows, int I) {
    long long n = rows * I, stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        long long r = i / I, c = i % I, g = r * 2 * I + c;
        float x = gu[g], up = gu[g + I], s = swiglu::sigmoid(x), dy = dOut[i];
        dgu[g] = dy * up * s * (1.0f + x * (1.0f - s));
        dgu[g + I] = dy * (x * s);
    }
}
TRM_KERNEL(swiglu_bwd)
