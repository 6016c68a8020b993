// block_test.cu - test-only kernels: shared memory, __syncthreads, dynamic shared memory,
// thread/block indexing, block sizes that are not multiples of 32, failure reporting.
#include "trm_kernel.h"

// out[b] = sum of in[b*256 .. b*256+255] by a shared-memory tree; blockDim.x must be 256.
extern "C" __global__ void test_block_reduce(const float* __restrict__ in, float* __restrict__ out, int n) {
    __shared__ float s[256];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    s[threadIdx.x] = i < n ? in[i] : 0.0f;
    __syncthreads();
    for (unsigned int h = blockDim.x / 2; h > 0; h >>= 1) {
        if (threadIdx.x < h) s[threadIdx.x] += s[threadIdx.x + h];
        __syncthreads();
    }
    if (threadIdx.x == 0) out[blockIdx.x] = s[0];
}
TRM_KERNEL(test_block_reduce)

// Each block reverses its chunk of blockDim.x elements through dynamic shared memory of
// blockDim.x floats; out[i] also gets + (number of threads in the block with in > 0), from
// __syncthreads_count.
extern "C" __global__ void test_dynamic_smem(const float* __restrict__ in, float* __restrict__ out, int n) {
    extern __shared__ float test_dyn[];
    int base = blockIdx.x * blockDim.x;
    int i = base + threadIdx.x;
    float v = i < n ? in[i] : 0.0f;
    test_dyn[threadIdx.x] = v;
    int positive = __syncthreads_count(v > 0.0f);
    int j = base + (int)(blockDim.x - 1 - threadIdx.x);
    if (j < n) out[j] = test_dyn[threadIdx.x] + (float)positive;
}
TRM_KERNEL(test_dynamic_smem)

// out[global linear thread id] = encoded (blockIdx, threadIdx) for 3-d grids and blocks.
extern "C" __global__ void test_indices(int* out) {
    int bid = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    int tid = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    int nthreads = blockDim.x * blockDim.y * blockDim.z;
    out[bid * nthreads + tid] = (int)(blockIdx.x * 1000000 + blockIdx.y * 100000 + blockIdx.z * 10000 +
                                      threadIdx.x * 100 + threadIdx.y * 10 + threadIdx.z);
}
TRM_KERNEL(test_indices)

// A block whose size is not a multiple of 32: per thread, out[4*t + 0..3] =
// {global id, ballot of the (partial) warp with full mask, popc of that ballot, block-wide sum via
// shared atomics after a barrier}.
extern "C" __global__ void test_odd_block(int* out) {
    __shared__ int total;
    if (threadIdx.x == 0) total = 0;
    __syncthreads();
    int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int ballot = __ballot_sync(0xffffffffu, threadIdx.x % 2 == 0);
    atomicAdd(&total, (int)threadIdx.x);
    __syncthreads();
    out[4 * g + 0] = g;
    out[4 * g + 1] = (int)ballot;
    out[4 * g + 2] = __popc(ballot);
    out[4 * g + 3] = total;
}
TRM_KERNEL(test_odd_block)

// Deadlock on purpose (2 threads): thread 0 waits in a shuffle for lane 1, which waits at a barrier.
extern "C" __global__ void test_deadlock(int* out) {
    if (threadIdx.x == 0) out[0] = __shfl_sync(0x3u, 7, 1);
    else __syncthreads();
}
TRM_KERNEL(test_deadlock)

// Traps in block 3.
extern "C" __global__ void test_trap(int* out) {
    if (blockIdx.x == 3 && threadIdx.x == 5) __trap();
    out[blockIdx.x * blockDim.x + threadIdx.x] = 1;
}
TRM_KERNEL(test_trap)
