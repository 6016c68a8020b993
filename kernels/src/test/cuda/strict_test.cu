// strict_test.cu - test-only kernels that are wrong on purpose, one per check of the strict
// simulator (kernels/README.md, "The strict simulator"); StrictSimTest sees each one caught. Every
// one of them "works" on a lenient simulator that runs threads in ascending order. Never launch
// them on a GPU: they race, deadlock-prone barriers, write out of bounds.
#include <cuda_bf16.h>
#include <mma.h>
#include "trm_kernel.h"

// RACE: out[t] = value written by thread t-1 through shared memory, without a barrier between the
// write and the read (one block of at most 256 threads). Ascending order hides it; reversed
// order reads the poison (-1) for every t > 0.
extern "C" __global__ void strict_race(int* out) {
    __shared__ int s[256];
    int t = (int)threadIdx.x;
    s[t] = t + 100;
    // missing __syncthreads() here
    out[t] = t > 0 ? s[t - 1] : 99;
}
TRM_KERNEL(strict_race)

// The same with the barrier: right under every order.
extern "C" __global__ void strict_race_fixed(int* out) {
    __shared__ int s[256];
    int t = (int)threadIdx.x;
    s[t] = t + 100;
    __syncthreads();
    out[t] = t > 0 ? s[t - 1] : 99;
}
TRM_KERNEL(strict_race_fixed)

// STALE SHARED MEMORY: only block 0 writes s; every block reads it. On a GPU the other blocks see
// garbage (or block 0's leftovers on the same SM); the strict simulator shows the poison.
// out[3 * b + 0..2] = static shared s, dynamic shared d[0] (never written), s after a barrier.
extern "C" __global__ void strict_stale_shared(int* out) {
    __shared__ int strict_s;
    extern __shared__ int strict_dyn[];
    if (blockIdx.x == 0 && threadIdx.x == 0) strict_s = 42;
    __syncthreads();
    if (threadIdx.x == 0) {
        out[3 * blockIdx.x + 0] = strict_s;
        out[3 * blockIdx.x + 1] = strict_dyn[0];
    }
    if (threadIdx.x == 0) strict_s = 7;
    __syncthreads();
    if (threadIdx.x == 0) out[3 * blockIdx.x + 2] = strict_s;
}
TRM_KERNEL(strict_stale_shared)

// DIVERGENT BARRIER: balanced (every thread calls __syncthreads once) but from two lines.
extern "C" __global__ void strict_divergent_barrier(int* out) {
    if (threadIdx.x < 16) {
        out[threadIdx.x] = 1;
        __syncthreads();
    } else {
        __syncthreads();
        out[threadIdx.x] = 2;
    }
}
TRM_KERNEL(strict_divergent_barrier)

// DIVERGENT WARP COLLECTIVE: the two halves of the warp shuffle with the full mask from two calls.
extern "C" __global__ void strict_divergent_shuffle(int* out) {
    int lane = (int)threadIdx.x;
    int v;
    if (lane < 16) v = __shfl_sync(0xffffffffu, lane, 0);
    else v = __shfl_sync(0xffffffffu, lane, 1);
    out[lane] = v;
}
TRM_KERNEL(strict_divergent_shuffle)

// OUT OF BOUNDS: out[i] = i for i in [first, n + extra): extra > 0 writes past the end of an
// n-element allocation, first < 0 before its start.
extern "C" __global__ void strict_oob_write(float* out, int first, int n, int extra) {
    int i = first + (int)(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < n + extra) out[i] = (float)i;
}
TRM_KERNEL(strict_oob_write)

// WMMA RULES: one warp loads a 16x16 bf16 tile from A + offset elements with leading dimension
// ldm and stores it (as fp32 via the accumulator) to C with leading dimension 16. offset 8
// (16 bytes) breaks the 32-byte alignment, ldm 12 (24 bytes) the multiple-of-16-bytes rule.
extern "C" __global__ void strict_wmma_rules(const __nv_bfloat16* __restrict__ A, float* __restrict__ C, int offset, int ldm) {
    using namespace nvcuda;
    wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> a;
    wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> b;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
    wmma::load_matrix_sync(a, A + offset, (unsigned int)ldm);
    wmma::fill_fragment(b, __float2bfloat16(0.0f));
    wmma::fill_fragment(acc, 0.0f);
    wmma::mma_sync(acc, a, b, acc);
    wmma::store_matrix_sync(C, acc, 16, wmma::mem_row_major);
}
TRM_KERNEL(strict_wmma_rules)
