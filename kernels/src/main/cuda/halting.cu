// halting.cu - deep supervision on the device: the q_halt BCE loss, halting decisions with
// exploration, slot reset, row selection for fresh samples, and metric accumulation.
// CPU references: trm.engine.cpu.HaltLoss and trm.engine.cpu.Halting; random draws are
// trm.engine.SlotRandom ported bit for bit, so every device makes the same decisions.
#include "trm_kernel.h"

namespace halting {
// Stats columns (trm.engine.Ops.Stat) and metric columns (trm.engine.Ops.Metric).
constexpr int ST = 6, LM_LOSS = 0, CORRECT = 1, COUNT = 2, SEQ_CORRECT = 3, HALT_LOSS = 4, Q_HALT = 5;
constexpr int M_COUNT = 0, M_ACCURACY = 1, M_EXACT = 2, M_Q_HALT_ACCURACY = 3, M_STEPS = 4, M_LM_LOSS = 5,
              M_Q_HALT_LOSS = 6, M_SAMPLES = 7;

// SlotRandom.mix: the SplitMix64 finaliser (Java's >>> is the unsigned shift here).
__device__ __forceinline__ unsigned long long mix(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// SlotRandom.uniform: 24 random bits, exact in float. ((long) slot << 8 | stream) with Java's
// sign extension of a negative stream (never used, but kept identical).
__device__ __forceinline__ float uniform(long long seed, long long step, int slot, int stream) {
    unsigned long long key = ((unsigned long long)(long long)slot << 8) | (unsigned long long)(long long)stream;
    unsigned long long h = mix(mix(mix((unsigned long long)seed + 0x9e3779b97f4a7c15ULL) ^ (unsigned long long)step) ^ key);
    return (float)(h >> 40) * 0x1.0p-24f;
}
}

// q_halt BCE-with-logits against SEQ_CORRECT (double, as the cpu): writes stats HALT_LOSS and
// Q_HALT, and dq [B, 2] when non-null (gradScale * 0.5 * (sigmoid(x) - t) for q_halt, 0 for
// q_continue). One thread per sample.
extern "C" __global__ void halt_loss(float* __restrict__ dq, float* __restrict__ stats, const float* __restrict__ q, int B,
                                     float gradScale) {
    using namespace halting;
    int b = blockIdx.x * blockDim.x + threadIdx.x;
    if (b >= B) return;
    float* st = stats + (long long)b * ST;
    double x = q[b * 2], t = st[SEQ_CORRECT];
    double bce = (x > 0.0 ? x : 0.0) - x * t + log1p(exp(-fabs(x)));
    st[HALT_LOSS] = (float)bce;
    st[Q_HALT] = (float)x;
    if (dq != nullptr) {
        double sig = 1.0 / (1.0 + exp(-x));
        dq[b * 2] = (float)((double)(gradScale * 0.5f) * (sig - t));
        dq[b * 2 + 1] = 0.0f;
    }
}
TRM_KERNEL(halt_loss)

// steps += 1; halted = steps >= maxSteps, and when training with maxSteps > 1 also q_halt > 0,
// unless exploration (probability exploreProb, drawn from SlotRandom stream 0) set a minimum
// step count in [2, maxSteps] (stream 1) not yet reached. One thread per slot.
extern "C" __global__ void halt_update(int* __restrict__ halted, int* __restrict__ steps, const float* __restrict__ q, int B,
                                       int maxSteps, float exploreProb, int training, long long seed, long long step) {
    using namespace halting;
    int b = blockIdx.x * blockDim.x + threadIdx.x;
    if (b >= B) return;
    int s = ++steps[b];
    bool h = s >= maxSteps;
    if (training && maxSteps > 1) {
        h |= q[b * 2] > 0.0f;
        bool explore = uniform(seed, step, b, 0) < exploreProb;
        int minSteps = explore ? 2 + (int)(uniform(seed, step, b, 1) * (float)(maxSteps - 1)) : 0;
        h &= s >= minSteps;
    }
    halted[b] = h ? 1 : 0;
}
TRM_KERNEL(halt_update)

// For halted slots b: y[b], z[b] [L, D] <- hInit, lInit [D] broadcast over positions; steps[b] <- 0.
// Grid-stride over B*L*D.
extern "C" __global__ void halt_reset_carry(const int* __restrict__ halted, float* __restrict__ y, float* __restrict__ z,
                                            const float* __restrict__ hInit, const float* __restrict__ lInit,
                                            int* __restrict__ steps, int B, int L, int D) {
    long long per = (long long)L * D, n = (long long)B * per, stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        long long b = i / per;
        if (halted[b] == 0) continue;
        int d = (int)(i % D);
        y[i] = hInit[d];
        z[i] = lInit[d];
        if (i % per == 0) steps[b] = 0;
    }
}
TRM_KERNEL(halt_reset_carry)

// Int32 rows: dst[b] <- src[b] where halted[b]; rows of rowLen. Grid-stride over B*rowLen.
extern "C" __global__ void halt_select_rows(const int* __restrict__ halted, int* __restrict__ dst, const int* __restrict__ src,
                                            int B, int rowLen) {
    long long n = (long long)B * rowLen, stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        if (halted[i / rowLen] != 0) dst[i] = src[i];
}
TRM_KERNEL(halt_select_rows)

// metrics [8] += this step's sums (see Ops.accumulateMetrics). One thread, slots in order, so the
// fp32 sums are the cpu's bit for bit (B is a few hundred: microseconds).
extern "C" __global__ void halt_accumulate_metrics(float* __restrict__ m, const float* __restrict__ stats,
                                                   const int* __restrict__ halted, const int* __restrict__ steps, int B) {
    using namespace halting;
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    float acc[8];
    for (int k = 0; k < 8; k++) acc[k] = m[k];
    for (int b = 0; b < B; b++) {
        const float* st = stats + (long long)b * ST;
        acc[M_LM_LOSS] += st[LM_LOSS];
        acc[M_Q_HALT_LOSS] += st[HALT_LOSS];
        acc[M_SAMPLES] += 1.0f;
        float count = st[COUNT];
        if (halted[b] == 0 || count == 0.0f) continue;
        bool correct = st[SEQ_CORRECT] != 0.0f;
        acc[M_COUNT] += 1.0f;
        acc[M_ACCURACY] += st[CORRECT] / count;
        acc[M_EXACT] += correct ? 1.0f : 0.0f;
        acc[M_Q_HALT_ACCURACY] += ((st[Q_HALT] >= 0.0f) == correct) ? 1.0f : 0.0f;
        acc[M_STEPS] += (float)steps[b];
    }
    for (int k = 0; k < 8; k++) m[k] = acc[k];
}
TRM_KERNEL(halt_accumulate_metrics)
