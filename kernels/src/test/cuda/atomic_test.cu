// atomic_test.cu - test-only kernels for atomics across blocks and grid-stride loops.
#include "trm_kernel.h"

// Grid-stride over n items: sum[0] += in[i] (float atomics), count[0] += 1, max[0] = max(in[i] as
// int), and cas_slots[i % 64] claimed once by atomicCAS (0 -> i+1) where free.
extern "C" __global__ void test_atomics(const float* __restrict__ in, float* sum, int* count, int* maxv,
                                        unsigned int* cas_slots, int n) {
    int stride = gridDim.x * blockDim.x;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        atomicAdd(sum, in[i]);
        atomicAdd(count, 1);
        atomicMax(maxv, (int)in[i]);
        atomicCAS(&cas_slots[i % 64], 0u, (unsigned int)(i + 1));
    }
}
TRM_KERNEL(test_atomics)

// y[i] = a * x[i] + y[i] for i < n (64-bit n), grid-stride.
extern "C" __global__ void test_saxpy(float a, const float* __restrict__ x, float* __restrict__ y, long long n) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) y[i] = a * x[i] + y[i];
}
TRM_KERNEL(test_saxpy)
