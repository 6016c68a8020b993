// elementwise.cu - data movement on fp32/int32 buffers: fill, add, copy, batched transpose.
// CPU references: trm.engine.cpu.CpuOps.fill/add/copy and trm.engine.cpu.Transpose.
// All are grid-stride loops over 64-bit element counts; results are bit-identical to the cpu.
#include "trm_kernel.h"

namespace elementwise {
constexpr int TILE = 32;
constexpr int ROWS = 8;  // block (32, 8): each thread moves TILE / ROWS elements of a tile
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

// out[b, c, r] = in[b, r, c], in [B, R, C]. Grid (ceil(C/32), ceil(R/32), B), block (32, 8):
// one 32x32 tile through shared memory (padded against bank conflicts), coalesced both ways.
extern "C" __global__ void ew_transpose_f32(float* __restrict__ out, const float* __restrict__ in, int R, int C) {
    using namespace elementwise;
    __shared__ float tile[TILE][TILE + 1];
    long long base = (long long)blockIdx.z * R * C;
    int c0 = blockIdx.x * TILE, r0 = blockIdx.y * TILE;
    for (int k = threadIdx.y; k < TILE; k += ROWS) {
        int r = r0 + k, c = c0 + threadIdx.x;
        if (r < R && c < C) tile[k][threadIdx.x] = in[base + (long long)r * C + c];
    }
    __syncthreads();
    for (int k = threadIdx.y; k < TILE; k += ROWS) {
        int c = c0 + k, r = r0 + threadIdx.x;
        if (r < R && c < C) out[base + (long long)c * R + r] = tile[threadIdx.x][k];
    }
}
TRM_KERNEL(ew_transpose_f32)
