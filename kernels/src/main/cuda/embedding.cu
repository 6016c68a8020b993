// embedding.cu - input embedding: [puzzle prefix | token embeddings] (+ learned positions) times
// a scale, and its backward. CPU reference: trm.engine.cpu.Embedding.
#include "trm_kernel.h"

// out [B, P+S, D] = (x + pos) * c, x = the sample's puzzle row zero-padded to P*D for the first P
// positions, the token's embedding row after them; pos optional (null: no add). c is computed by
// the host exactly as the cpu does (POS_MIX * scale with learned positions, else scale).
// Grid (B, P+S) (the batch on gridDim.x, which has no 65535 limit), block threads stride over D.
extern "C" __global__ void embed_fwd(float* __restrict__ out, const int* __restrict__ tokens, const int* __restrict__ ids,
                                     const float* __restrict__ tok, const float* __restrict__ puzzle, int ndim,
                                     const float* __restrict__ pos, int P, int S, int D, float c) {
    int b = blockIdx.x, p = blockIdx.y, L = P + S;
    long long o = ((long long)b * L + p) * D;
    const float* src = nullptr;
    int limit = 0;  // prefix: elements k < limit come from the puzzle row, the rest are zero
    if (p >= P) {
        src = tok + (long long)tokens[(long long)b * S + (p - P)] * D;
    } else if (puzzle != nullptr) {
        long long k0 = (long long)p * D;  // this position's first element within the flat P*D prefix
        src = puzzle + (long long)ids[b] * ndim + k0;
        limit = (int)(ndim - k0 < 0 ? 0 : (ndim - k0 < D ? ndim - k0 : D));
    }
    for (int d = threadIdx.x; d < D; d += blockDim.x) {
        float x = p >= P ? src[d] : (d < limit ? src[d] : 0.0f);
        if (pos != nullptr) x = x + pos[(long long)p * D + d];
        out[o + d] = x * c;
    }
}
TRM_KERNEL(embed_fwd)

// dRows [B, ndim]: c * dOut over the first min(ndim, P*D) elements of the sample, zero beyond.
extern "C" __global__ void embed_bwd_rows(float* __restrict__ dRows, const float* __restrict__ dOut, int B, int ndim,
                                          int L, int P, int D, float c) {
    long long n = (long long)B * ndim, stride = (long long)gridDim.x * blockDim.x;
    long long used = (long long)P * D < ndim ? (long long)P * D : ndim;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        long long b = i / ndim, k = i % ndim;
        dRows[i] = k < used ? c * dOut[b * L * D + k] : 0.0f;
    }
}
TRM_KERNEL(embed_bwd_rows)

// dTok [V, D] += c * dOut at every token position using that row. Deterministic: one thread per
// (row, column) scans all B*S tokens in (b, s) order, the cpu's order, so no atomics. Grid
// (V, ceil(D / blockDim.x)). Cost is V*B*S token reads per column block: meant for TRM's small
// vocabularies (tens of rows), not for LLM-sized ones.
extern "C" __global__ void embed_bwd_tokens(float* __restrict__ dTok, const float* __restrict__ dOut, const int* __restrict__ tokens,
                                            int B, int P, int S, int D, float c) {
    int v = blockIdx.x, d = blockIdx.y * blockDim.x + threadIdx.x;
    if (d >= D) return;
    int L = P + S;
    float acc = dTok[(long long)v * D + d];
    for (int b = 0; b < B; b++)
        for (int s = 0; s < S; s++)
            if (tokens[(long long)b * S + s] == v) acc = fmaf(c, dOut[((long long)b * L + P + s) * D + d], acc);
    dTok[(long long)v * D + d] = acc;
}
TRM_KERNEL(embed_bwd_tokens)

// dPos [L, D] += c * Σ_b dOut[b] (in b order).
extern "C" __global__ void embed_bwd_pos(float* __restrict__ dPos, const float* __restrict__ dOut, int B, long long LD, float c) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < LD; i += stride) {
        float acc = dPos[i];
        for (int b = 0; b < B; b++) acc = fmaf(c, dOut[(long long)b * LD + i], acc);
        dPos[i] = acc;
    }
}
TRM_KERNEL(embed_bwd_pos)
