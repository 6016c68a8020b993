// bf16_wmma_test.cu - test-only kernels for bf16 conversion and the WMMA fragment API.
#include <cuda_bf16.h>
#include <mma.h>
#include "trm_kernel.h"

// bits[i] = __float2bfloat16(in[i]) as raw bits, back[i] = __bfloat162float of it.
extern "C" __global__ void test_bf16_convert(const float* __restrict__ in, unsigned short* __restrict__ bits,
                                             float* __restrict__ back, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    __nv_bfloat16 b = __float2bfloat16(in[i]);
    bits[i] = __bfloat16_as_ushort(b);
    back[i] = __bfloat162float(b);
}
TRM_KERNEL(test_bf16_convert)

// C = alpha * (A B) + beta * C with A (M x K, row-major bf16), B (K x N bf16, row-major if
// b_col_major == 0, else column-major), C (M x N, row-major fp32). M, N, K multiples of 16. One warp
// per 16 x 16 tile of C, tiles in blockIdx/warp order. Exercises load/mma/store and element-wise x[].
extern "C" __global__ void test_wmma_gemm(const __nv_bfloat16* __restrict__ A, const __nv_bfloat16* __restrict__ B,
                                          float* __restrict__ C, int M, int N, int K, int b_col_major,
                                          float alpha, float beta) {
    using namespace nvcuda;
    int warp = (int)((blockIdx.x * blockDim.x + threadIdx.x) / 32);
    int tiles_n = N / 16;
    int tm = warp / tiles_n, tn = warp % tiles_n;
    if (tm >= M / 16) return;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc, c;
    wmma::fill_fragment(acc, 0.0f);
    wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> a;
    if (b_col_major) {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major> b;
        for (int k = 0; k < K; k += 16) {
            wmma::load_matrix_sync(a, A + (size_t)tm * 16 * K + k, K);
            wmma::load_matrix_sync(b, B + (size_t)tn * 16 * K + k, K);
            wmma::mma_sync(acc, a, b, acc);
        }
    } else {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> b;
        for (int k = 0; k < K; k += 16) {
            wmma::load_matrix_sync(a, A + (size_t)tm * 16 * K + k, K);
            wmma::load_matrix_sync(b, B + (size_t)k * N + tn * 16, N);
            wmma::mma_sync(acc, a, b, acc);
        }
    }
    float* ctile = C + (size_t)tm * 16 * N + tn * 16;
    wmma::load_matrix_sync(c, ctile, N, wmma::mem_row_major);
    for (int i = 0; i < acc.num_elements; i++) acc.x[i] = alpha * acc.x[i] + beta * c.x[i];
    wmma::store_matrix_sync(ctile, acc, N, wmma::mem_row_major);
}
TRM_KERNEL(test_wmma_gemm)
