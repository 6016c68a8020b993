// fill.cu - device-side fills (poisoning outputs before a parity test, resetting buffers)
// without a host copy.
#include "trm_kernel.h"

// p[i] = value for i in [0, n), grid-stride.
extern "C" __global__ void trm_fill_u32(unsigned int* __restrict__ p, unsigned int value, long long n) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) p[i] = value;
}
TRM_KERNEL(trm_fill_u32)
