// warp_test.cu - test-only kernels for warp shuffles and votes.
#include "trm_kernel.h"

// Per thread t (one value v = in[t]), writing out[8*t + k]:
//  0: warp sum by __shfl_down_sync (valid in lane 0)    1: warp sum by __shfl_xor_sync (all lanes)
//  2: inclusive prefix sum by __shfl_up_sync             3: value of lane 5 by __shfl_sync
//  4: value from lane (lane+1)%32 by __shfl_sync         5: sum over the 8-lane segment (xor, width 8)
//  6: __shfl_down_sync by 3 with width 16                7: __reduce_add_sync over the warp
extern "C" __global__ void test_warp_shuffles(const int* __restrict__ in, int* __restrict__ out) {
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int lane = threadIdx.x & 31u;
    int v = in[t];
    int s = v;
    for (int o = 16; o > 0; o >>= 1) s += __shfl_down_sync(0xffffffffu, s, o);
    out[8 * t + 0] = s;
    int x = v;
    for (int o = 16; o > 0; o >>= 1) x += __shfl_xor_sync(0xffffffffu, x, o);
    out[8 * t + 1] = x;
    int p = v;
    for (int o = 1; o < 32; o <<= 1) {
        int u = __shfl_up_sync(0xffffffffu, p, o);
        if ((int)lane >= o) p += u;
    }
    out[8 * t + 2] = p;
    out[8 * t + 3] = __shfl_sync(0xffffffffu, v, 5);
    out[8 * t + 4] = __shfl_sync(0xffffffffu, v, (int)((lane + 1) & 31u));
    int seg = v;
    for (int o = 4; o > 0; o >>= 1) seg += __shfl_xor_sync(0xffffffffu, seg, o, 8);
    out[8 * t + 5] = seg;
    out[8 * t + 6] = __shfl_down_sync(0xffffffffu, v, 3, 16);
    out[8 * t + 7] = __reduce_add_sync(0xffffffffu, v);
}
TRM_KERNEL(test_warp_shuffles)

// Per thread t with predicate pred[t]: out[4*t + 0..3] = {ballot, any, all, ballot over the lower
// half-warp only (lanes 0..15 with mask 0xffff, others -1)}.
extern "C" __global__ void test_votes(const int* __restrict__ pred, int* __restrict__ out) {
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int p = pred[t];
    out[4 * t + 0] = (int)__ballot_sync(0xffffffffu, p);
    out[4 * t + 1] = __any_sync(0xffffffffu, p);
    out[4 * t + 2] = __all_sync(0xffffffffu, p);
    unsigned int lane = threadIdx.x & 31u;
    out[4 * t + 3] = lane < 16 ? (int)__ballot_sync(0x0000ffffu, p) : -1;
}
TRM_KERNEL(test_votes)
