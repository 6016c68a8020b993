// cuda_sim.h - the CUDA C++ dialect on the CPU, so that g++ compiles our .cu kernels unchanged.
//
// Force-included by the simulator build (g++ -x c++ -include cuda_sim.h -I sim/include ...).
// Kernel sources keep their normal CUDA includes (<cuda_bf16.h>, <mma.h>, ...): sim/include
// holds empty stand-ins for them, everything they would declare is declared here.
//
// Execution model (see cuda_sim_runtime.cpp):
//   * every CUDA thread of a block is a user-level fiber with its own stack; the fibers of one
//     block run cooperatively on one OS thread; blocks are spread over a small pool of OS threads;
//   * __syncthreads is a real barrier over the block's live threads; warp collectives
//     (__shfl*_sync, __ballot_sync, __all/__any_sync, __syncwarp, __reduce_*_sync, WMMA) are real
//     rendezvous of the lanes named in the mask (lanes that have exited do not count);
//   * the last lane to arrive at a collective computes the result for every participant;
//   * threadIdx/blockIdx/blockDim/gridDim read per-fiber / per-block state through TLS;
//   * __shared__ variables are thread_local (one copy per OS worker = per running block);
//     `extern __shared__` arrays all alias one per-worker buffer of TRM_SIM_MAX_DYN_SMEM bytes.
//
// Strict checks (what a GPU would punish but a lenient simulator hides; kernels/README.md):
//   * thread order: a block's threads run between sync points in ascending, reversed or seeded
//     shuffled order (trm_sim_set_order), so a missing barrier shows as a wrong result;
//   * every __syncthreads of a block, and every warp collective of one mask, must come from one
//     call site (file:line through __builtin_FILE/__builtin_LINE default arguments);
//   * static and dynamic shared memory are filled with 0xff (NaN for fp32/bf16, -1 for integers)
//     at block start; dynamic shared memory past the launch's byte count holds a canary that is
//     checked after the launch (the launch passed too little dynamic shared memory);
//   * WMMA load/store pointers must be 32-byte aligned and ldm a multiple of 16 bytes;
//   * global memory: the Java runtime puts canaries around every allocation and checks them
//     after each launch (SimRuntime), naming the kernel, argument and offset.
//
// Limits: at most 1024 threads per block; no inline PTX / asm (wgmma, cp.async, ldmatrix, ...:
// keep such code in a variant guarded by `#if defined(__CUDA_ARCH__)` / `#ifndef TRM_SIM` beside a
// portable one); no __constant__ memory uploads, textures, cooperative groups, dynamic parallelism,
// inter-block spin waits; races are exposed through the thread order, not detected as such (fibers
// are never preempted between sync points).
#pragma once
#ifndef TRM_CUDA_SIM_H
#define TRM_CUDA_SIM_H

#define TRM_SIM 1

// Standard headers first: the qualifier macros below (__noinline__ in particular) would break
// them if a kernel included them later; with their include guards set, later includes are no-ops.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

// ----------------------------------------------------------------------------------------------
// Qualifiers
// ----------------------------------------------------------------------------------------------
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __shared__ thread_local
#define __constant__
#define __managed__
#define __grid_constant__
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __builtin_assume(x) ((void)0)

#define TRM_SIM_MAX_THREADS_PER_BLOCK 1024
#define TRM_SIM_MAX_DYN_SMEM (227 * 1024)
// Canary word around global allocations and past the launch's dynamic shared memory: a quiet NaN
// for fp32 and for both bf16 halves, a huge integer, unlike the 0xff fill of fresh memory.
#define TRM_SIM_CANARY 0x7fc17fc1u

// ----------------------------------------------------------------------------------------------
// Vector types
// ----------------------------------------------------------------------------------------------
struct uint3 { unsigned int x, y, z; };
struct dim3 {
    unsigned int x, y, z;
    constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
    constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
    constexpr operator uint3() const { return uint3{x, y, z}; }
};

#define TRM_SIM_VEC2(T, N, A) struct __attribute__((aligned(A))) N##2 { T x, y; }; \
    static inline N##2 make_##N##2(T x, T y) { return N##2{x, y}; }
#define TRM_SIM_VEC3(T, N) struct N##3 { T x, y, z; }; \
    static inline N##3 make_##N##3(T x, T y, T z) { return N##3{x, y, z}; }
#define TRM_SIM_VEC4(T, N, A) struct __attribute__((aligned(A))) N##4 { T x, y, z, w; }; \
    static inline N##4 make_##N##4(T x, T y, T z, T w) { return N##4{x, y, z, w}; }
TRM_SIM_VEC2(float, float, 8)   TRM_SIM_VEC3(float, float)  TRM_SIM_VEC4(float, float, 16)
TRM_SIM_VEC2(int, int, 8)       TRM_SIM_VEC3(int, int)      TRM_SIM_VEC4(int, int, 16)
TRM_SIM_VEC2(unsigned int, uint, 8)                         TRM_SIM_VEC4(unsigned int, uint, 16)
TRM_SIM_VEC2(double, double, 16)
TRM_SIM_VEC2(unsigned short, ushort, 4)                     TRM_SIM_VEC4(unsigned short, ushort, 8)
TRM_SIM_VEC2(short, short, 4)
TRM_SIM_VEC2(long long, longlong, 16)
static inline uint3 make_uint3(unsigned int x, unsigned int y, unsigned int z) { return uint3{x, y, z}; }
#undef TRM_SIM_VEC2
#undef TRM_SIM_VEC3
#undef TRM_SIM_VEC4

// ----------------------------------------------------------------------------------------------
// The runtime interface (implemented in cuda_sim_runtime.cpp)
// ----------------------------------------------------------------------------------------------
namespace trm_sim {

struct ThreadState { uint3 tid; unsigned int linear, lane, warp; };
struct BlockState { uint3 bid; dim3 bdim; dim3 gdim; };

// __thread (not thread_local): no TLS wrapper calls, these are plain pointers set by the scheduler.
extern __thread ThreadState* tl_thread;
extern __thread BlockState* tl_block;

// A warp collective: every participating lane deposits a pointer to its own argument record;
// the last lane to arrive calls fn with the 32 records (nullptr for lanes not taking part),
// then all participants continue. fn identifies the kind of collective (for mismatch checks).
// file/line name the call site (__builtin_FILE/__builtin_LINE default arguments of the public
// functions): lanes meeting with the same mask must come from the same call (except __syncwarp,
// which sm_70+ allows from different places).
using CollectiveFn = void (*)(void* const* lane_args);
void warp_collective(unsigned int mask, const char* what, void* my_args, CollectiveFn fn, const char* file, int line);
// Block barrier; op 0 plain, 1 count, 2 and, 3 or (of pred over the block's live threads). All
// threads must arrive from the same call site (file, line), else the launch fails naming both.
int block_sync(int pred, int op, const char* file, int line);
// Let the other fibers of the block run (spin-wait loops, __nanosleep).
void yield();
// Lanes of the calling thread's warp that have not exited.
unsigned int live_lanes();
// Abort the launch with a message (like a device-side trap); never returns.
[[noreturn]] void fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

template <class To, class From> static inline To bit_cast(const From& f) {
    static_assert(sizeof(To) == sizeof(From), "bit_cast size");
    To t;
    memcpy(&t, &f, sizeof(To));
    return t;
}

} // namespace trm_sim

#define threadIdx (::trm_sim::tl_thread->tid)
#define blockIdx (::trm_sim::tl_block->bid)
#define blockDim (::trm_sim::tl_block->bdim)
#define gridDim (::trm_sim::tl_block->gdim)
#define warpSize 32

// ----------------------------------------------------------------------------------------------
// Block synchronisation, fences, misc
// ----------------------------------------------------------------------------------------------
#define TRM_SIM_SITE const char *trm_file = __builtin_FILE(), int trm_line = __builtin_LINE()
static inline void __syncthreads(TRM_SIM_SITE) { ::trm_sim::block_sync(0, 0, trm_file, trm_line); }
static inline int __syncthreads_count(int p, TRM_SIM_SITE) { return ::trm_sim::block_sync(p != 0, 1, trm_file, trm_line); }
static inline int __syncthreads_and(int p, TRM_SIM_SITE) { return ::trm_sim::block_sync(p != 0, 2, trm_file, trm_line); }
static inline int __syncthreads_or(int p, TRM_SIM_SITE) { return ::trm_sim::block_sync(p != 0, 3, trm_file, trm_line); }
static inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void __threadfence_system() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void __nanosleep(unsigned int) { ::trm_sim::yield(); }
[[noreturn]] static inline void __trap() { ::trm_sim::fail("__trap() called"); }
#if defined(__x86_64__)
static inline long long clock64() { return (long long)__builtin_ia32_rdtsc(); }
#else
static inline long long clock64() { return 0; }
#endif
static inline unsigned int __activemask() { return ::trm_sim::live_lanes(); }
static inline unsigned int __lanemask_lt() { return (1u << ::trm_sim::tl_thread->lane) - 1u; }

template <class T> static inline T __ldg(const T* p) { return *p; }
template <class T> static inline T __ldcg(const T* p) { return *p; }
template <class T> static inline T __ldca(const T* p) { return *p; }
template <class T> static inline T __ldcs(const T* p) { return *p; }
template <class T> static inline T __ldlu(const T* p) { return *p; }
template <class T> static inline void __stcg(T* p, T v) { *p = v; }
template <class T> static inline void __stcs(T* p, T v) { *p = v; }
template <class T> static inline void __stwb(T* p, T v) { *p = v; }

// ----------------------------------------------------------------------------------------------
// Warp collectives
// ----------------------------------------------------------------------------------------------
namespace trm_sim {

enum ShflMode { SHFL_IDX = 0, SHFL_UP = 1, SHFL_DOWN = 2, SHFL_BFLY = 3 };

template <class T> struct ShflArgs { T in; T out; unsigned int b, c; int mode; };

// PTX shfl.sync semantics: c = ((32 - width) << 8) | clamp, segmask = c[12:8].
template <class T> static void shfl_compute(void* const* a) {
    for (unsigned int lane = 0; lane < 32; lane++) {
        auto* me = static_cast<ShflArgs<T>*>(a[lane]);
        if (!me) continue;
        unsigned int segmask = (me->c >> 8) & 31u, clamp = me->c & 31u;
        unsigned int maxLane = (lane & segmask) | (clamp & ~segmask);
        unsigned int minLane = lane & segmask;
        int j;
        bool ok;
        switch (me->mode) {
            case SHFL_UP: j = (int)lane - (int)me->b; ok = j >= (int)maxLane; break;
            case SHFL_DOWN: j = (int)(lane + me->b); ok = j <= (int)maxLane; break;
            case SHFL_BFLY: j = (int)(lane ^ me->b); ok = j <= (int)maxLane; break;
            default: j = (int)(minLane | (me->b & ~segmask & 31u)); ok = j <= (int)maxLane; break;
        }
        if (!ok || j < 0 || j > 31 || !a[j]) j = (int)lane;  // inactive source: own value
        me->out = static_cast<ShflArgs<T>*>(a[j])->in;
    }
}

template <class T> static inline T shfl(unsigned int mask, T v, int mode, unsigned int b, int width, const char* file, int line) {
    if (width <= 0 || width > 32 || (width & (width - 1)))
        fail("__shfl*_sync: width %d is not a power of two in [1, 32]", width);
    ShflArgs<T> s;
    s.in = v;
    s.out = v;
    s.b = b;
    s.c = ((32u - (unsigned int)width) << 8) | (mode == SHFL_UP ? 0u : 31u);
    s.mode = mode;
    warp_collective(mask, "__shfl_sync", &s, &shfl_compute<T>, file, line);
    return s.out;
}

struct VoteArgs { int pred; unsigned int out; int all; };
static void ballot_compute(void* const* a) {
    unsigned int m = 0, part = 0;
    for (unsigned int l = 0; l < 32; l++) {
        if (!a[l]) continue;
        part |= 1u << l;
        if (static_cast<VoteArgs*>(a[l])->pred) m |= 1u << l;
    }
    for (unsigned int l = 0; l < 32; l++) {
        if (!a[l]) continue;
        static_cast<VoteArgs*>(a[l])->out = m;
        static_cast<VoteArgs*>(a[l])->all = m == part;
    }
}
static void syncwarp_compute(void* const*) {}

template <class T, int OP> struct ReduceArgs { T in, out; };
template <class T, int OP> static void reduce_compute(void* const* a) {
    bool first = true;
    T r = T();
    for (unsigned int l = 0; l < 32; l++) {
        auto* p = static_cast<ReduceArgs<T, OP>*>(a[l]);
        if (!p) continue;
        if (first) { r = p->in; first = false; continue; }
        switch (OP) {
            case 0: r = (T)(r + p->in); break;
            case 1: r = p->in < r ? p->in : r; break;
            case 2: r = p->in > r ? p->in : r; break;
            case 3: r = (T)(r & p->in); break;
            case 4: r = (T)(r | p->in); break;
            default: r = (T)(r ^ p->in); break;
        }
    }
    for (unsigned int l = 0; l < 32; l++)
        if (a[l]) static_cast<ReduceArgs<T, OP>*>(a[l])->out = r;
}
template <class T, int OP> static inline T reduce(unsigned int mask, T v, const char* file, int line) {
    ReduceArgs<T, OP> s{v, v};
    warp_collective(mask, "__reduce_*_sync", &s, &reduce_compute<T, OP>, file, line);
    return s.out;
}

template <class T> struct MatchArgs { T in; unsigned int out; int all; };
template <class T> static void match_compute(void* const* a) {
    unsigned int part = 0;
    for (unsigned int l = 0; l < 32; l++) if (a[l]) part |= 1u << l;
    for (unsigned int l = 0; l < 32; l++) {
        auto* me = static_cast<MatchArgs<T>*>(a[l]);
        if (!me) continue;
        unsigned int m = 0;
        for (unsigned int k = 0; k < 32; k++)
            if (a[k] && memcmp(&static_cast<MatchArgs<T>*>(a[k])->in, &me->in, sizeof(T)) == 0) m |= 1u << k;
        me->out = m;
        me->all = m == part;
    }
}

} // namespace trm_sim

template <class T> static inline T __shfl_sync(unsigned int mask, T var, int srcLane, int width = 32, TRM_SIM_SITE) {
    return ::trm_sim::shfl(mask, var, ::trm_sim::SHFL_IDX, (unsigned int)srcLane, width, trm_file, trm_line);
}
template <class T> static inline T __shfl_up_sync(unsigned int mask, T var, unsigned int delta, int width = 32, TRM_SIM_SITE) {
    return ::trm_sim::shfl(mask, var, ::trm_sim::SHFL_UP, delta, width, trm_file, trm_line);
}
template <class T> static inline T __shfl_down_sync(unsigned int mask, T var, unsigned int delta, int width = 32, TRM_SIM_SITE) {
    return ::trm_sim::shfl(mask, var, ::trm_sim::SHFL_DOWN, delta, width, trm_file, trm_line);
}
template <class T> static inline T __shfl_xor_sync(unsigned int mask, T var, int laneMask, int width = 32, TRM_SIM_SITE) {
    return ::trm_sim::shfl(mask, var, ::trm_sim::SHFL_BFLY, (unsigned int)laneMask, width, trm_file, trm_line);
}
static inline unsigned int __ballot_sync(unsigned int mask, int pred, TRM_SIM_SITE) {
    ::trm_sim::VoteArgs v{pred != 0, 0, 0};
    ::trm_sim::warp_collective(mask, "__ballot_sync", &v, &::trm_sim::ballot_compute, trm_file, trm_line);
    return v.out;
}
static inline int __any_sync(unsigned int mask, int pred, TRM_SIM_SITE) {
    ::trm_sim::VoteArgs v{pred != 0, 0, 0};
    ::trm_sim::warp_collective(mask, "__any_sync", &v, &::trm_sim::ballot_compute, trm_file, trm_line);
    return v.out != 0;
}
static inline int __all_sync(unsigned int mask, int pred, TRM_SIM_SITE) {
    ::trm_sim::VoteArgs v{pred != 0, 0, 0};
    ::trm_sim::warp_collective(mask, "__all_sync", &v, &::trm_sim::ballot_compute, trm_file, trm_line);
    return v.all;
}
static inline void __syncwarp(unsigned int mask = 0xffffffffu, TRM_SIM_SITE) {
    ::trm_sim::warp_collective(mask, "__syncwarp", nullptr, &::trm_sim::syncwarp_compute, trm_file, trm_line);
}
static inline unsigned int __reduce_add_sync(unsigned int m, unsigned int v, TRM_SIM_SITE) { return ::trm_sim::reduce<unsigned int, 0>(m, v, trm_file, trm_line); }
static inline int __reduce_add_sync(unsigned int m, int v, TRM_SIM_SITE) { return ::trm_sim::reduce<int, 0>(m, v, trm_file, trm_line); }
static inline unsigned int __reduce_min_sync(unsigned int m, unsigned int v, TRM_SIM_SITE) { return ::trm_sim::reduce<unsigned int, 1>(m, v, trm_file, trm_line); }
static inline int __reduce_min_sync(unsigned int m, int v, TRM_SIM_SITE) { return ::trm_sim::reduce<int, 1>(m, v, trm_file, trm_line); }
static inline unsigned int __reduce_max_sync(unsigned int m, unsigned int v, TRM_SIM_SITE) { return ::trm_sim::reduce<unsigned int, 2>(m, v, trm_file, trm_line); }
static inline int __reduce_max_sync(unsigned int m, int v, TRM_SIM_SITE) { return ::trm_sim::reduce<int, 2>(m, v, trm_file, trm_line); }
static inline unsigned int __reduce_and_sync(unsigned int m, unsigned int v, TRM_SIM_SITE) { return ::trm_sim::reduce<unsigned int, 3>(m, v, trm_file, trm_line); }
static inline unsigned int __reduce_or_sync(unsigned int m, unsigned int v, TRM_SIM_SITE) { return ::trm_sim::reduce<unsigned int, 4>(m, v, trm_file, trm_line); }
static inline unsigned int __reduce_xor_sync(unsigned int m, unsigned int v, TRM_SIM_SITE) { return ::trm_sim::reduce<unsigned int, 5>(m, v, trm_file, trm_line); }
template <class T> static inline unsigned int __match_any_sync(unsigned int mask, T v, TRM_SIM_SITE) {
    ::trm_sim::MatchArgs<T> s{v, 0, 0};
    ::trm_sim::warp_collective(mask, "__match_any_sync", &s, &::trm_sim::match_compute<T>, trm_file, trm_line);
    return s.out;
}
template <class T> static inline unsigned int __match_all_sync(unsigned int mask, T v, int* pred, TRM_SIM_SITE) {
    ::trm_sim::MatchArgs<T> s{v, 0, 0};
    ::trm_sim::warp_collective(mask, "__match_all_sync", &s, &::trm_sim::match_compute<T>, trm_file, trm_line);
    *pred = s.all;
    return s.all ? s.out : 0u;
}

// ----------------------------------------------------------------------------------------------
// Atomics (real atomics: blocks run on several OS threads at once)
// ----------------------------------------------------------------------------------------------
#define TRM_SIM_ATOMIC_INT(T)                                                                         \
    static inline T atomicAdd(T* p, T v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }      \
    static inline T atomicSub(T* p, T v) { return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST); }      \
    static inline T atomicExch(T* p, T v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }    \
    static inline T atomicAnd(T* p, T v) { return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); }      \
    static inline T atomicOr(T* p, T v) { return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }        \
    static inline T atomicXor(T* p, T v) { return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); }      \
    static inline T atomicCAS(T* p, T cmp, T v) {                                                    \
        __atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);          \
        return cmp;                                                                                  \
    }                                                                                                \
    static inline T atomicMax(T* p, T v) {                                                           \
        T old = __atomic_load_n(p, __ATOMIC_SEQ_CST);                                                \
        while (old < v && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {} \
        return old;                                                                                  \
    }                                                                                                \
    static inline T atomicMin(T* p, T v) {                                                           \
        T old = __atomic_load_n(p, __ATOMIC_SEQ_CST);                                                \
        while (old > v && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {} \
        return old;                                                                                  \
    }
TRM_SIM_ATOMIC_INT(int)
TRM_SIM_ATOMIC_INT(unsigned int)
TRM_SIM_ATOMIC_INT(unsigned long long)
TRM_SIM_ATOMIC_INT(long long)
#undef TRM_SIM_ATOMIC_INT

static inline unsigned short atomicCAS(unsigned short* p, unsigned short cmp, unsigned short v) {
    __atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return cmp;
}
static inline unsigned int atomicInc(unsigned int* p, unsigned int limit) {
    unsigned int old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    while (!__atomic_compare_exchange_n(p, &old, old >= limit ? 0u : old + 1u, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {}
    return old;
}
static inline unsigned int atomicDec(unsigned int* p, unsigned int limit) {
    unsigned int old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    while (!__atomic_compare_exchange_n(p, &old, (old == 0u || old > limit) ? limit : old - 1u, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {}
    return old;
}

namespace trm_sim {
// Floating-point read-modify-write through a compare-and-swap loop on the bit pattern.
template <class F, class U, class Op> static inline F atomic_float_rmw(F* p, Op op) {
    U* u = reinterpret_cast<U*>(p);
    U old = __atomic_load_n(u, __ATOMIC_SEQ_CST);
    for (;;) {
        F f = bit_cast<F>(old);
        U nw = bit_cast<U>(op(f));
        if (__atomic_compare_exchange_n(u, &old, nw, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return f;
    }
}
} // namespace trm_sim

static inline float atomicAdd(float* p, float v) {
    return ::trm_sim::atomic_float_rmw<float, unsigned int>(p, [v](float f) { return f + v; });
}
static inline double atomicAdd(double* p, double v) {
    return ::trm_sim::atomic_float_rmw<double, unsigned long long>(p, [v](double f) { return f + v; });
}
static inline float atomicExch(float* p, float v) {
    return ::trm_sim::bit_cast<float>(__atomic_exchange_n(reinterpret_cast<unsigned int*>(p), ::trm_sim::bit_cast<unsigned int>(v), __ATOMIC_SEQ_CST));
}

// ----------------------------------------------------------------------------------------------
// Math and bit intrinsics (fast-math variants are computed exactly: the sim is a reference).
// Plain `inline`, not static: glibc declares some of these names (__expf, __sinf, ...) extern.
// ----------------------------------------------------------------------------------------------
inline float __expf(float x) { return expf(x); }
inline float __exp10f(float x) { return powf(10.0f, x); }
inline float __logf(float x) { return logf(x); }
inline float __log2f(float x) { return log2f(x); }
inline float __log10f(float x) { return log10f(x); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanf(float x) { return tanf(x); }
inline void __sincosf(float x, float* s, float* c) { *s = sinf(x); *c = cosf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __fdividef(float a, float b) { return a / b; }
inline float fdividef(float a, float b) { return a / b; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline float __frsqrt_rn(float x) { return 1.0f / sqrtf(x); }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float rcbrtf(float x) { return 1.0f / cbrtf(x); }
inline float __saturatef(float x) { return x != x ? 0.0f : (x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x)); }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
inline double __fma_rn(double a, double b, double c) { return fma(a, b, c); }
inline int __float2int_rn(float x) { return (int)nearbyintf(x); }
inline int __float2int_rz(float x) { return (int)x; }
inline int __float2int_rd(float x) { return (int)floorf(x); }
inline int __float2int_ru(float x) { return (int)ceilf(x); }
inline unsigned int __float2uint_rn(float x) { return (unsigned int)nearbyintf(x); }
inline unsigned int __float2uint_rz(float x) { return (unsigned int)x; }
inline float __int2float_rn(int x) { return (float)x; }
inline float __uint2float_rn(unsigned int x) { return (float)x; }
inline int __float_as_int(float x) { return ::trm_sim::bit_cast<int>(x); }
inline unsigned int __float_as_uint(float x) { return ::trm_sim::bit_cast<unsigned int>(x); }
inline float __int_as_float(int x) { return ::trm_sim::bit_cast<float>(x); }
inline float __uint_as_float(unsigned int x) { return ::trm_sim::bit_cast<float>(x); }
inline long long __double_as_longlong(double x) { return ::trm_sim::bit_cast<long long>(x); }
inline double __longlong_as_double(long long x) { return ::trm_sim::bit_cast<double>(x); }
inline int __popc(unsigned int x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned int)x); }
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll((unsigned long long)x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned int __brev(unsigned int x) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    return __builtin_bswap32(x);
}
inline int __mul24(int a, int b) { return (int)((long long)((a << 8) >> 8) * ((b << 8) >> 8)); }
inline unsigned int __umul24(unsigned int a, unsigned int b) { return (a & 0xffffffu) * (b & 0xffffffu); }
inline int __mulhi(int a, int b) { return (int)(((long long)a * (long long)b) >> 32); }
inline unsigned int __umulhi(unsigned int a, unsigned int b) { return (unsigned int)(((unsigned long long)a * b) >> 32); }
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) { return (unsigned long long)(((unsigned __int128)a * b) >> 64); }
inline long long __mul64hi(long long a, long long b) { return (long long)(((__int128)a * b) >> 64); }
inline unsigned int __funnelshift_l(unsigned int lo, unsigned int hi, unsigned int s) {
    unsigned long long v = ((unsigned long long)hi << 32) | lo; return (unsigned int)((v << (s & 31u)) >> 32);
}
inline unsigned int __funnelshift_r(unsigned int lo, unsigned int hi, unsigned int s) {
    unsigned long long v = ((unsigned long long)hi << 32) | lo; return (unsigned int)(v >> (s & 31u));
}

// CUDA's overloaded min/max (floating overloads ignore NaN like fminf/fmaxf).
static inline float min(float a, float b) { return fminf(a, b); }
static inline float max(float a, float b) { return fmaxf(a, b); }
static inline double min(double a, double b) { return fmin(a, b); }
static inline double max(double a, double b) { return fmax(a, b); }
template <class A, class B, class = typename std::enable_if<std::is_integral<A>::value && std::is_integral<B>::value>::type>
static inline typename std::common_type<A, B>::type min(A a, B b) {
    using C = typename std::common_type<A, B>::type; return (C)a < (C)b ? (C)a : (C)b;
}
template <class A, class B, class = typename std::enable_if<std::is_integral<A>::value && std::is_integral<B>::value>::type>
static inline typename std::common_type<A, B>::type max(A a, B b) {
    using C = typename std::common_type<A, B>::type; return (C)a > (C)b ? (C)a : (C)b;
}

// ----------------------------------------------------------------------------------------------
// bfloat16
// ----------------------------------------------------------------------------------------------
namespace trm_sim {
// Round to nearest, ties to even; NaN becomes the canonical quiet NaN 0x7fff (as CUDA does).
static inline unsigned short f2bf_rn(float f) {
    unsigned int u = bit_cast<unsigned int>(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (unsigned short)0x7fffu;
    u += 0x7fffu + ((u >> 16) & 1u);
    return (unsigned short)(u >> 16);
}
static inline unsigned short f2bf_rz(float f) {
    unsigned int u = bit_cast<unsigned int>(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (unsigned short)0x7fffu;
    return (unsigned short)(u >> 16);
}
static inline float bf2f(unsigned short b) { return bit_cast<float>((unsigned int)b << 16); }
} // namespace trm_sim

struct __nv_bfloat16_raw { unsigned short x; };
struct __attribute__((aligned(2))) __nv_bfloat16 {
    unsigned short __x;
    __nv_bfloat16() = default;
    __nv_bfloat16(const __nv_bfloat16_raw& r) : __x(r.x) {}
    __nv_bfloat16(float f) : __x(::trm_sim::f2bf_rn(f)) {}
    __nv_bfloat16(double d) : __x(::trm_sim::f2bf_rn((float)d)) {}
    operator float() const { return ::trm_sim::bf2f(__x); }
    operator __nv_bfloat16_raw() const { return __nv_bfloat16_raw{__x}; }
};
struct __attribute__((aligned(4))) __nv_bfloat162 {
    __nv_bfloat16 x, y;
    __nv_bfloat162() = default;
    __nv_bfloat162(__nv_bfloat16 a, __nv_bfloat16 b) : x(a), y(b) {}
};
typedef __nv_bfloat16 nv_bfloat16;
typedef __nv_bfloat162 nv_bfloat162;

static inline __nv_bfloat16 __ushort_as_bfloat16(unsigned short u) { __nv_bfloat16 b; b.__x = u; return b; }
static inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 b) { return b.__x; }
static inline __nv_bfloat16 __float2bfloat16(float f) { return __ushort_as_bfloat16(::trm_sim::f2bf_rn(f)); }
static inline __nv_bfloat16 __float2bfloat16_rn(float f) { return __ushort_as_bfloat16(::trm_sim::f2bf_rn(f)); }
static inline __nv_bfloat16 __float2bfloat16_rz(float f) { return __ushort_as_bfloat16(::trm_sim::f2bf_rz(f)); }
static inline float __bfloat162float(__nv_bfloat16 b) { return ::trm_sim::bf2f(b.__x); }
static inline __nv_bfloat162 __floats2bfloat162_rn(float a, float b) { return __nv_bfloat162(__float2bfloat16(a), __float2bfloat16(b)); }
static inline __nv_bfloat162 __float22bfloat162_rn(float2 f) { return __floats2bfloat162_rn(f.x, f.y); }
static inline float2 __bfloat1622float2(__nv_bfloat162 b) { return make_float2(__bfloat162float(b.x), __bfloat162float(b.y)); }
static inline __nv_bfloat162 __halves2bfloat162(__nv_bfloat16 a, __nv_bfloat16 b) { return __nv_bfloat162(a, b); }
static inline __nv_bfloat162 make_bfloat162(__nv_bfloat16 a, __nv_bfloat16 b) { return __nv_bfloat162(a, b); }
static inline __nv_bfloat162 __bfloat162bfloat162(__nv_bfloat16 a) { return __nv_bfloat162(a, a); }
static inline float __low2float(__nv_bfloat162 b) { return __bfloat162float(b.x); }
static inline float __high2float(__nv_bfloat162 b) { return __bfloat162float(b.y); }
static inline __nv_bfloat16 __low2bfloat16(__nv_bfloat162 b) { return b.x; }
static inline __nv_bfloat16 __high2bfloat16(__nv_bfloat162 b) { return b.y; }
static inline __nv_bfloat16 __hadd(__nv_bfloat16 a, __nv_bfloat16 b) { return __float2bfloat16((float)a + (float)b); }
static inline __nv_bfloat16 __hsub(__nv_bfloat16 a, __nv_bfloat16 b) { return __float2bfloat16((float)a - (float)b); }
static inline __nv_bfloat16 __hmul(__nv_bfloat16 a, __nv_bfloat16 b) { return __float2bfloat16((float)a * (float)b); }
static inline __nv_bfloat16 __hdiv(__nv_bfloat16 a, __nv_bfloat16 b) { return __float2bfloat16((float)a / (float)b); }
static inline __nv_bfloat16 __hfma(__nv_bfloat16 a, __nv_bfloat16 b, __nv_bfloat16 c) { return __float2bfloat16(fmaf((float)a, (float)b, (float)c)); }
static inline __nv_bfloat16 __hneg(__nv_bfloat16 a) { return __ushort_as_bfloat16((unsigned short)(a.__x ^ 0x8000u)); }
static inline __nv_bfloat16 __hmax(__nv_bfloat16 a, __nv_bfloat16 b) { return __float2bfloat16(fmaxf((float)a, (float)b)); }
static inline __nv_bfloat16 __hmin(__nv_bfloat16 a, __nv_bfloat16 b) { return __float2bfloat16(fminf((float)a, (float)b)); }
static inline __nv_bfloat162 __hadd2(__nv_bfloat162 a, __nv_bfloat162 b) { return __nv_bfloat162(__hadd(a.x, b.x), __hadd(a.y, b.y)); }
static inline __nv_bfloat162 __hmul2(__nv_bfloat162 a, __nv_bfloat162 b) { return __nv_bfloat162(__hmul(a.x, b.x), __hmul(a.y, b.y)); }
static inline __nv_bfloat162 __hfma2(__nv_bfloat162 a, __nv_bfloat162 b, __nv_bfloat162 c) { return __nv_bfloat162(__hfma(a.x, b.x, c.x), __hfma(a.y, b.y, c.y)); }
static inline bool __hisnan(__nv_bfloat16 a) { return (a.__x & 0x7fffu) > 0x7f80u; }
static inline __nv_bfloat16 operator+(__nv_bfloat16 a, __nv_bfloat16 b) { return __hadd(a, b); }
static inline __nv_bfloat16 operator-(__nv_bfloat16 a, __nv_bfloat16 b) { return __hsub(a, b); }
static inline __nv_bfloat16 operator*(__nv_bfloat16 a, __nv_bfloat16 b) { return __hmul(a, b); }
static inline __nv_bfloat16 operator/(__nv_bfloat16 a, __nv_bfloat16 b) { return __hdiv(a, b); }
static inline __nv_bfloat16 operator-(__nv_bfloat16 a) { return __hneg(a); }
static inline __nv_bfloat16 atomicAdd(__nv_bfloat16* p, __nv_bfloat16 v) {
    unsigned short* u = reinterpret_cast<unsigned short*>(p);
    unsigned short old = __atomic_load_n(u, __ATOMIC_SEQ_CST);
    for (;;) {
        unsigned short nw = ::trm_sim::f2bf_rn(::trm_sim::bf2f(old) + (float)v);
        if (__atomic_compare_exchange_n(u, &old, nw, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return __ushort_as_bfloat16(old);
    }
}

// ----------------------------------------------------------------------------------------------
// WMMA: warp-wide tensor-core fragments, simulated collectively.
// A fragment of R x C elements is spread over the 32 lanes: lane l holds the row-major elements
// [l*E, (l+1)*E) with E = R*C/32 (the hardware mapping is unspecified, so portable code only uses
// x[] element-wise). load/store/mma are warp rendezvous over all 32 lanes; the last lane to arrive
// does the work for everyone, so every lane sees data written by the others before the call.
// mma accumulates in fp32 in k order (fmaf), from the exact bf16 operand values.
// ----------------------------------------------------------------------------------------------
namespace nvcuda {
namespace wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <class Use, int M, int N, int K> struct frag_shape;
template <int M, int N, int K> struct frag_shape<matrix_a, M, N, K> { static constexpr int rows = M, cols = K; };
template <int M, int N, int K> struct frag_shape<matrix_b, M, N, K> { static constexpr int rows = K, cols = N; };
template <int M, int N, int K> struct frag_shape<accumulator, M, N, K> { static constexpr int rows = M, cols = N; };

template <class Use, int M, int N, int K, class T, class Layout = void>
struct fragment {
    static_assert((M == 16 && N == 16 && K == 16) || (M == 32 && N == 8 && K == 16) || (M == 8 && N == 32 && K == 16),
                  "wmma shape: m16n16k16, m32n8k16 or m8n32k16");
    static constexpr int rows = frag_shape<Use, M, N, K>::rows;
    static constexpr int cols = frag_shape<Use, M, N, K>::cols;
    static constexpr int num_elements = rows * cols / 32;
    using element_type = T;
    using storage_element_type = T;
    T x[num_elements];
};

template <class Use, int M, int N, int K, class T, class L>
static inline void fill_fragment(fragment<Use, M, N, K, T, L>& f, const typename fragment<Use, M, N, K, T, L>::element_type& v) {
    for (int i = 0; i < f.num_elements; i++) f.x[i] = v;
}

namespace detail {
// The hardware's rules (CUDA C++ Programming Guide, "Warp Matrix Functions"): mptr must be 256-bit
// (32-byte) aligned and ldm a multiple of 16 bytes (8 bf16/half elements, 4 floats).
template <class T> static inline void check_io(const char* what, const void* p, unsigned int ldm) {
    if (reinterpret_cast<uintptr_t>(p) % 32u != 0)
        ::trm_sim::fail("wmma::%s: pointer %p is not 32-byte (256-bit) aligned", what, p);
    if (((size_t)ldm * sizeof(T)) % 16u != 0)
        ::trm_sim::fail("wmma::%s: ldm %u is not a multiple of 16 bytes (%u elements of %u bytes)", what, ldm,
                        (unsigned int)(16 / sizeof(T)), (unsigned int)sizeof(T));
}
template <class Frag, class P> struct IoArgs { Frag* frag; P ptr; unsigned int ldm; bool col; };

template <class Frag, class P, bool STORE> static void io_compute(void* const* a) {
    const IoArgs<Frag, P>* first = nullptr;
    for (int l = 0; l < 32; l++) {
        auto* p = static_cast<IoArgs<Frag, P>*>(a[l]);
        if (!p) ::trm_sim::fail("wmma %s_matrix_sync: lane %d of the warp did not take part (all 32 lanes must)", STORE ? "store" : "load", l);
        if (!first) first = p;
        else if (p->ptr != first->ptr || p->ldm != first->ldm || p->col != first->col)
            ::trm_sim::fail("wmma %s_matrix_sync: lanes passed different pointers, ldm or layouts", STORE ? "store" : "load");
    }
    constexpr int E = Frag::num_elements, C = Frag::cols;
    for (int l = 0; l < 32; l++) {
        auto* p = static_cast<IoArgs<Frag, P>*>(a[l]);
        for (int i = 0; i < E; i++) {
            int idx = l * E + i, r = idx / C, c = idx % C;
            size_t off = p->col ? (size_t)c * p->ldm + (size_t)r : (size_t)r * p->ldm + (size_t)c;
            if constexpr (STORE) const_cast<typename std::remove_const<typename std::remove_pointer<P>::type>::type*>(p->ptr)[off] = p->frag->x[i];
            else p->frag->x[i] = p->ptr[off];
        }
    }
}
} // namespace detail

template <class Use, int M, int N, int K, class T, class L>
static inline void load_matrix_sync(fragment<Use, M, N, K, T, L>& f, const T* p, unsigned int ldm, TRM_SIM_SITE) {
    static_assert(!std::is_void<L>::value, "matrix_a/matrix_b fragments need a row_major/col_major layout");
    using F = fragment<Use, M, N, K, T, L>;
    detail::check_io<T>("load_matrix_sync", p, ldm);
    detail::IoArgs<F, const T*> s{&f, p, ldm, std::is_same<L, col_major>::value};
    ::trm_sim::warp_collective(0xffffffffu, "wmma::load_matrix_sync", &s, &detail::io_compute<F, const T*, false>, trm_file, trm_line);
}
template <int M, int N, int K, class T>
static inline void load_matrix_sync(fragment<accumulator, M, N, K, T>& f, const T* p, unsigned int ldm, layout_t layout, TRM_SIM_SITE) {
    using F = fragment<accumulator, M, N, K, T>;
    detail::check_io<T>("load_matrix_sync", p, ldm);
    detail::IoArgs<F, const T*> s{&f, p, ldm, layout == mem_col_major};
    ::trm_sim::warp_collective(0xffffffffu, "wmma::load_matrix_sync", &s, &detail::io_compute<F, const T*, false>, trm_file, trm_line);
}
template <int M, int N, int K, class T>
static inline void store_matrix_sync(T* p, const fragment<accumulator, M, N, K, T>& f, unsigned int ldm, layout_t layout, TRM_SIM_SITE) {
    using F = fragment<accumulator, M, N, K, T>;
    detail::check_io<T>("store_matrix_sync", p, ldm);
    detail::IoArgs<F, T*> s{const_cast<F*>(&f), p, ldm, layout == mem_col_major};
    ::trm_sim::warp_collective(0xffffffffu, "wmma::store_matrix_sync", &s, &detail::io_compute<F, T*, true>, trm_file, trm_line);
}

namespace detail {
template <class FD, class FA, class FB, class FC> struct MmaArgs { FD* d; const FA* a; const FB* b; const FC* c; };
template <class FD, class FA, class FB, class FC> static void mma_compute(void* const* args) {
    constexpr int M = FA::rows, K = FA::cols, N = FB::cols;
    constexpr int EA = FA::num_elements, EB = FB::num_elements, EC = FC::num_elements;
    float A[M * K], B[K * N], Cm[M * N];
    for (int l = 0; l < 32; l++) {
        auto* p = static_cast<MmaArgs<FD, FA, FB, FC>*>(args[l]);
        if (!p) ::trm_sim::fail("wmma::mma_sync: lane %d of the warp did not take part (all 32 lanes must)", l);
        for (int i = 0; i < EA; i++) A[l * EA + i] = (float)p->a->x[i];
        for (int i = 0; i < EB; i++) B[l * EB + i] = (float)p->b->x[i];
        for (int i = 0; i < EC; i++) Cm[l * EC + i] = (float)p->c->x[i];
    }
    for (int l = 0; l < 32; l++) {
        auto* p = static_cast<MmaArgs<FD, FA, FB, FC>*>(args[l]);
        for (int i = 0; i < FD::num_elements; i++) {
            int idx = l * FD::num_elements + i, r = idx / N, c = idx % N;
            float acc = Cm[idx];
            for (int k = 0; k < K; k++) acc = fmaf(A[r * K + k], B[k * N + c], acc);
            p->d->x[i] = acc;
        }
    }
}
} // namespace detail

template <int M, int N, int K, class TA, class LA, class TB, class LB, class TC, class TD>
static inline void mma_sync(fragment<accumulator, M, N, K, TD>& d, const fragment<matrix_a, M, N, K, TA, LA>& a,
                            const fragment<matrix_b, M, N, K, TB, LB>& b, const fragment<accumulator, M, N, K, TC>& c, TRM_SIM_SITE) {
    using FD = fragment<accumulator, M, N, K, TD>;
    using FA = fragment<matrix_a, M, N, K, TA, LA>;
    using FB = fragment<matrix_b, M, N, K, TB, LB>;
    using FC = fragment<accumulator, M, N, K, TC>;
    detail::MmaArgs<FD, FA, FB, FC> s{&d, &a, &b, &c};
    ::trm_sim::warp_collective(0xffffffffu, "wmma::mma_sync", &s, &detail::mma_compute<FD, FA, FB, FC>, trm_file, trm_line);
}
} // namespace wmma
} // namespace nvcuda

// ----------------------------------------------------------------------------------------------
// Kernel registration: TRM_KERNEL(name) after an extern "C" __global__ kernel makes it launchable
// by name, like cuModuleGetFunction. Argument codes: p pointer, i 32-bit integer, l 64-bit integer,
// f float, d double, h 16-bit, b 8-bit, x anything else (not launchable from Java).
// ----------------------------------------------------------------------------------------------
namespace trm_sim {
using Invoker = void (*)(void* fn, void* const* args);
void register_kernel(const char* name, void* fn, Invoker invoke, const char* signature);

template <class T> constexpr char arg_code() {
    return std::is_pointer<T>::value ? 'p'
         : std::is_same<T, float>::value ? 'f'
         : std::is_same<T, double>::value ? 'd'
         : (std::is_integral<T>::value || std::is_enum<T>::value)
               ? (sizeof(T) == 4 ? 'i' : sizeof(T) == 8 ? 'l' : sizeof(T) == 2 ? 'h' : 'b')
         : 'x';
}

template <class... A> struct Thunk {
    template <size_t... I> static void call(void (*fn)(A...), void* const* args, std::index_sequence<I...>) {
        fn(*static_cast<typename std::decay<A>::type*>(args[I])...);
    }
    static void invoke(void* fn, void* const* args) {
        call(reinterpret_cast<void (*)(A...)>(fn), args, std::index_sequence_for<A...>{});
    }
    static constexpr char signature[] = {arg_code<typename std::decay<A>::type>()..., '\0'};
};

struct Registrar {
    template <class... A> Registrar(const char* name, void (*fn)(A...)) {
        register_kernel(name, reinterpret_cast<void*>(fn), &Thunk<A...>::invoke, Thunk<A...>::signature);
    }
};
} // namespace trm_sim

#define TRM_KERNEL(name) static ::trm_sim::Registrar trm_sim_registrar_##name(#name, &name);

#endif // TRM_CUDA_SIM_H
