// elementwise.cu - data movement on fp32/int32 buffers: 16-bit fill, add, copy; and the fp32/bf16
// mixes the kernel devices' bf16 activations need (add with any operand bf16, dtype conversion).
// CPU references: trm.engine.cpu.CpuOps.fill/add/copy (fp32; a bf16 result is that fp32 value
// rounded to nearest even, trm.engine.Bf16.round).
// All are grid-stride loops over 64-bit element counts; fp32 results are bit-identical to the cpu.
#include <cuda_bf16.h>
#include "trm_kernel.h"

namespace elementwise {
__device__ __forceinline__ float ld(const void* p, long long i, bool bf) {
    return bf ? __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]) : static_cast<const float*>(p)[i];
}
__device__ __forceinline__ void st(void* p, long long i, float v, bool bf) {
    if (bf) static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16(v);
    else static_cast<float*>(p)[i] = v;
}
}

// out[i] = a[i] + b[i]; out may alias a or b (each element is read before it is written by the
// same thread).
extern "C" __global__ void ew_add_f32(float* out, const float* a, const float* b, long long n) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) out[i] = a[i] + b[i];
}
TRM_KERNEL(ew_add_f32)

// dst[i] = src[i] for 32-bit words (fp32 and int32 alike); the ranges must not overlap.
extern "C" __global__ void ew_copy_u32(unsigned int* __restrict__ dst, const unsigned int* __restrict__ src, long long n) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) dst[i] = src[i];
}
TRM_KERNEL(ew_copy_u32)

// p[i] = value for 16-bit words (bf16 fills and poisoning; the 32-bit fill is trm_fill_u32 in fill.cu).
extern "C" __global__ void ew_fill_u16(unsigned short* __restrict__ p, int value, long long n) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) p[i] = (unsigned short)value;
}
TRM_KERNEL(ew_fill_u16)

// dst[i] = src[i] for 16-bit words (bf16).
extern "C" __global__ void ew_copy_u16(unsigned short* __restrict__ dst, const unsigned short* __restrict__ src, long long n) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) dst[i] = src[i];
}
TRM_KERNEL(ew_copy_u16)

// out[i] = a[i] + b[i] where any of out (bf & 1), a (bf & 2), b (bf & 4) may be bf16: the sum in
// fp32, rounded once when out is bf16. out may alias a or b (same dtype).
extern "C" __global__ void ew_add_mixed(void* out, const void* a, const void* b, long long n, int bf) {
    using namespace elementwise;
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        st(out, i, ld(a, i, bf & 2) + ld(b, i, bf & 4), bf & 1);
}
TRM_KERNEL(ew_add_mixed)

// dst[i] = src[i] converted: bf & 1: dst bf16 (rounded to nearest even), bf & 2: src bf16 (exact).
extern "C" __global__ void ew_convert(void* __restrict__ dst, const void* __restrict__ src, long long n, int bf) {
    using namespace elementwise;
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) st(dst, i, ld(src, i, bf & 2), bf & 1);
}
TRM_KERNEL(ew_convert)
