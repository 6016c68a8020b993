// transpose.cu - test set: batched fp32 transpose, the cpu route of the MLP-mixer
// (trm.engine.cpu.Transpose). Production never transposes (tokenMix runs weight-left GEMMs), so the
// kernel lives here, kept under the parity suite as a worked example of a tiled shared-memory kernel.
#include "trm_kernel.h"

namespace transpose {
constexpr int TILE = 32;
constexpr int ROWS = 8;  // block (32, 8): each thread moves TILE / ROWS elements of a tile
}

// out[b, c, r] = in[b, r, c], in [B, R, C]. Grid (ceil(C/32), ceil(R/32), B), block (32, 8):
// one 32x32 tile through shared memory (padded against bank conflicts), coalesced both ways.
extern "C" __global__ void ew_transpose_f32(float* __restrict__ out, const float* __restrict__ in, int R, int C) {
    using namespace transpose;
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
