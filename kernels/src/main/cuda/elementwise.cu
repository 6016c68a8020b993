// elementwise.cu - data movement on fp32/int32 buffers: 16-bit fill, add, copy.
// CPU references: trm.engine.cpu.CpuOps.fill/add/copy.
// All are grid-stride loops over 64-bit element counts; results are bit-identical to the cpu.
#include "trm_kernel.h"

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
