// lm_loss.cu - the lm head's loss: softmax or stablemax cross-entropy of logits [B, P+S, V]
// against labels [B, S] (0 = ignore), fused with argmax correctness and dLogits; per-sample stats
// [B, 6] (columns of trm.engine.Ops.Stat); and plain argmax. CPU reference:
// trm.engine.cpu.CrossEntropy. Like the reference, each row is computed in double.
//
// One block per sample, threads over positions, each thread one whole row of V logits: made for
// TRM's small vocabularies (V ~ 10), not for LLM-sized ones.
#include "trm_kernel.h"

namespace lm_loss {
constexpr int THREADS = 128;  // blockDim.x of lm_loss_fwd_bwd

__device__ __forceinline__ double stable(double x) { return x < 0 ? 1.0 / (1.0 - x) : x + 1.0; }

// Fixed-order tree reduction over the block (deterministic).
template <class T> __device__ T block_sum(T v, T* buf) {
    buf[threadIdx.x] = v;
    __syncthreads();
    for (int o = THREADS / 2; o > 0; o >>= 1) {
        if ((int)threadIdx.x < o) buf[threadIdx.x] += buf[threadIdx.x + o];
        __syncthreads();
    }
    T r = buf[0];
    __syncthreads();
    return r;
}
}

// kind 0 = softmax, 1 = stablemax. dLogits may be null (no gradient). Writes stats columns
// LM_LOSS (mean over supervised positions of -log p(label)), CORRECT, COUNT, SEQ_CORRECT; the halt
// columns are left alone. A label outside [0, V) makes the sample's LM_LOSS NaN (the cpu throws).
// Grid B, block THREADS.
extern "C" __global__ void lm_loss_fwd_bwd(float* __restrict__ dLogits, float* __restrict__ stats, const float* __restrict__ logits,
                                           const int* __restrict__ labels, int P, int S, int V, int kind, float gradScale) {
    using namespace lm_loss;
    __shared__ double dbuf[THREADS];
    __shared__ int ibuf[THREADS];
    int b = blockIdx.x, L = P + S;
    const int* lab = labels + (long long)b * S;

    int cnt = 0;
    for (int s = threadIdx.x; s < S; s += THREADS) cnt += lab[s] != 0;
    int count = block_sum<int>(cnt, ibuf);
    double divisor = count > 1 ? (double)count : 1.0;
    double g = (double)gradScale / divisor;

    if (dLogits != nullptr)
        for (long long i = threadIdx.x; i < (long long)P * V; i += THREADS) dLogits[(long long)b * L * V + i] = 0.0f;

    double loss = 0.0;
    int correct = 0, bad = 0;
    for (int s = threadIdx.x; s < S; s += THREADS) {
        long long row = ((long long)b * L + P + s) * V;
        const float* x = logits + row;
        int label = lab[s];
        if (label == 0) {
            if (dLogits != nullptr) for (int v = 0; v < V; v++) dLogits[row + v] = 0.0f;
            continue;
        }
        if (label < 0 || label >= V) { bad = 1; continue; }
        int arg = 0;
        for (int v = 1; v < V; v++) if (x[v] > x[arg]) arg = v;
        correct += arg == label;
        double mx = x[arg], total = 0.0;
        for (int v = 0; v < V; v++) total += kind == 0 ? exp((double)x[v] - mx) : stable(x[v]);
        double pl = kind == 0 ? exp((double)x[label] - mx) : stable(x[label]);
        loss -= log(pl / total);
        if (dLogits == nullptr) continue;
        for (int v = 0; v < V; v++) {
            double xv = x[v];
            double prob = kind == 0 ? exp(xv - mx) : stable(xv);
            double ds = kind == 0 ? prob : (xv < 0 ? 1.0 / ((1.0 - xv) * (1.0 - xv)) : 1.0);
            double grad = ds / total - (v == label ? ds / prob : 0.0);
            dLogits[row + v] = (float)(g * grad);
        }
    }
    // The cpu sums the loss over positions in order; this tree sums in another order, in double,
    // so the fp32 result differs by at most an ulp.
    loss = block_sum<double>(loss, dbuf);
    correct = block_sum<int>(correct, ibuf);
    bad = block_sum<int>(bad, ibuf);
    if (threadIdx.x == 0) {
        float* st = stats + (long long)b * 6;
        st[0] = bad ? __int_as_float(0x7fc00000) : (float)(loss / divisor);
        st[1] = (float)correct;
        st[2] = (float)count;
        st[3] = correct == count ? 1.0f : 0.0f;
    }
}
TRM_KERNEL(lm_loss_fwd_bwd)

// preds [B, S] = argmax over V of logits [B, P+S, V] after the prefix (first maximum on ties).
extern "C" __global__ void lm_argmax(int* __restrict__ preds, const float* __restrict__ logits, int B, int P, int S, int V) {
    long long n = (long long)B * S, stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        long long b = i / S, s = i % S;
        const float* x = logits + ((b * (P + S)) + P + s) * V;
        int arg = 0;
        for (int v = 1; v < V; v++) if (x[v] > x[arg]) arg = v;
        preds[i] = arg;
    }
}
TRM_KERNEL(lm_argmax)
