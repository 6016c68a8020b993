// cuda_sim_runtime.cpp - runs kernels compiled against cuda_sim.h on the CPU.
//
// One launch = a grid of blocks handed out to a pool of OS worker threads (the caller is one of
// them). A worker runs one block at a time: each CUDA thread is a fiber (own stack, own saved
// registers); the worker's scheduler loop resumes runnable fibers in thread order until they
// finish or block in a barrier / warp collective. Switching is a hand-written register swap on
// x86-64 (a few ns), ucontext elsewhere. A block whose live threads all wait and none can be
// released is a deadlock: the launch fails with a message naming where the threads wait.
//
// C entry points (extern "C", the only exported symbols):
//   int         trm_sim_kernel_count(void)
//   const char* trm_sim_kernel_name(int index)
//   const char* trm_sim_kernel_signature(int index)     e.g. "ppif"
//   int         trm_sim_find_kernel(const char* name)   index or -1
//   int         trm_sim_launch(int index, unsigned gx, gy, gz, bx, by, bz, unsigned shared_bytes,
//                              void** args)              0 ok, else trm_sim_last_error() says why
//   int         trm_sim_launch_by_name(const char* name, ... same ...)
//   const char* trm_sim_last_error(void)
//   int         trm_sim_max_dynamic_shared(void), trm_sim_max_threads_per_block(void),
//               trm_sim_worker_count(void)
//   int         trm_sim_set_order(int mode, long long seed)  0 ascending, 1 reversed, 2 shuffled
//                                                           (from seed, kernel name, block); 0 ok
//   int         trm_sim_static_shared_bytes(void)       bytes poisoned per block (all __shared__
//                                                           variables of the set)
//
// Strict checks done here: thread order, one call site per barrier / warp collective, shared
// memory poisoned at block start, dynamic shared memory past the launch's size guarded by a
// canary (see cuda_sim.h).
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cuda_sim.h"

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

#define TRM_SIM_EXPORT extern "C" __attribute__((visibility("default")))

// Static shared memory: sim/smem_mark.cpp compiled twice into the markers that the build links
// right before and right after the kernels' object, so the kernels' thread_local (= __shared__)
// variables lie between them in the TLS block (linkers keep input order within .tbss).
extern "C" __thread unsigned char trm_sim_smem_begin;
extern "C" __thread unsigned char trm_sim_smem_end;

namespace trm_sim {
static unsigned char* static_smem(size_t* bytes) {
    uintptr_t b = reinterpret_cast<uintptr_t>(&trm_sim_smem_begin) + 1, e = reinterpret_cast<uintptr_t>(&trm_sim_smem_end);
    *bytes = e > b ? (size_t)(e - b) : 0;
    return reinterpret_cast<unsigned char*>(b);
}
} // namespace trm_sim

namespace trm_sim {

__thread ThreadState* tl_thread = nullptr;
__thread BlockState* tl_block = nullptr;

// Defined by build-kernels.sh's generated dynsmem.cpp: the per-worker dynamic shared memory.
extern __thread unsigned char dynamic_smem[TRM_SIM_MAX_DYN_SMEM];

// Thread order within a block (trm_sim_set_order); the default is a shuffle from seed 1.
enum Order : int { ORDER_ASCENDING = 0, ORDER_REVERSED = 1, ORDER_SHUFFLED = 2 };
static std::atomic<int> g_order{ORDER_SHUFFLED};
static std::atomic<unsigned long long> g_seed{1};

static inline unsigned long long splitmix64(unsigned long long x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static const char* base_name(const char* path) {
    const char* b = strrchr(path, '/');
    return b ? b + 1 : path;
}

// ------------------------------------------------------------------------------------------------
// Kernel registry
// ------------------------------------------------------------------------------------------------
struct KernelEntry { std::string name; void* fn; Invoker invoke; std::string signature; };
static std::vector<KernelEntry>& registry() {
    static std::vector<KernelEntry> r;
    return r;
}
static std::string& duplicate_kernels() {
    static std::string d;
    return d;
}
void register_kernel(const char* name, void* fn, Invoker invoke, const char* signature) {
    for (auto& e : registry())
        if (e.name == name) { duplicate_kernels() += std::string(duplicate_kernels().empty() ? "" : ", ") + name; return; }
    registry().push_back(KernelEntry{name, fn, invoke, signature});
}

// ------------------------------------------------------------------------------------------------
// Context switching
// ------------------------------------------------------------------------------------------------
#if defined(__x86_64__)
// trm_sim_switch(void** save_sp, void* load_sp): saves callee-saved registers, MXCSR and the x87
// control word on the current stack, stores the stack pointer in *save_sp, loads load_sp and
// restores the same from there.
extern "C" void trm_sim_switch(void** save_sp, void* load_sp);
extern "C" void trm_sim_fiber_trampoline();
asm(R"(
    .text
    .globl trm_sim_switch
    .hidden trm_sim_switch
    .type trm_sim_switch, @function
trm_sim_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size trm_sim_switch, .-trm_sim_switch

    .globl trm_sim_fiber_trampoline
    .hidden trm_sim_fiber_trampoline
    .type trm_sim_fiber_trampoline, @function
trm_sim_fiber_trampoline:
    movq %r12, %rdi
    callq *%r13
    ud2
    .size trm_sim_fiber_trampoline, .-trm_sim_fiber_trampoline
)");
#endif

enum FiberState : int { RUNNABLE, WAIT_BLOCK, WAIT_WARP, DONE };

struct WarpGroup;

struct Fiber {
    ThreadState ts;
    FiberState state;
    int pred, result;         // __syncthreads_count/and/or
    WarpGroup* group;         // while WAIT_WARP
    char* stack_lo;           // usable stack [stack_lo, stack_lo + stack_size)
#if defined(__x86_64__)
    void* sp;
#else
    ucontext_t uc;
#endif
};

struct WarpGroup {
    bool active;
    unsigned int mask, arrived, first_lane;
    const char* what;
    const char* file;   // call site of the first lane to arrive
    int line;
    CollectiveFn fn;
    void* args[32];
};

static constexpr int kGroupsPerWarp = 4;
struct Warp {
    unsigned int live;
    WarpGroup groups[kGroupsPerWarp];
};

struct Launch;

struct Worker {
    Launch* launch = nullptr;
    BlockState block{};
    std::vector<Fiber> fibers;
    std::vector<Warp> warps;
    char* stacks = nullptr;
    size_t stack_size = 0, stacks_mapped = 0;
    Fiber* current = nullptr;
    int nthreads = 0, live = 0, bar_arrived = 0, bar_op = 0;
    const char* bar_file = nullptr;   // call site of the first thread at the pending barrier
    int bar_line = 0;
    Fiber* bar_first = nullptr;
    std::vector<int> order;           // the order the scheduler resumes threads in
    bool aborted = false;
#if defined(__x86_64__)
    void* sched_sp = nullptr;
#else
    ucontext_t sched_uc;
#endif
    ~Worker() { if (stacks) munmap(stacks, stacks_mapped); }
};
static thread_local Worker* tl_worker = nullptr;                      // fast access
static thread_local std::unique_ptr<Worker> tl_worker_owner;          // frees stacks when the thread ends

struct Launch {
    const KernelEntry* kernel;
    dim3 grid, block;
    unsigned int shared_bytes;
    int order;
    unsigned long long seed;          // of this launch's shuffles
    void* const* args;
    unsigned long long total_blocks;
    std::atomic<unsigned long long> next{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    std::string error;
    void set_error(const std::string& e) {
        std::lock_guard<std::mutex> g(error_mutex);
        if (error.empty()) error = e;
        failed.store(true);
    }
};

static size_t page_size() { static size_t p = (size_t)sysconf(_SC_PAGESIZE); return p; }

static size_t configured_stack_size() {
    size_t kb = 256;
    if (const char* e = getenv("TRM_SIM_STACK_KB")) { long v = atol(e); if (v >= 16) kb = (size_t)v; }
    return kb * 1024;
}

// Stacks for up to n fibers: one mapping, a PROT_NONE guard page below each stack.
static void ensure_stacks(Worker& w, int n) {
    if ((int)w.fibers.size() >= n) return;
    if (w.stacks) { munmap(w.stacks, w.stacks_mapped); w.stacks = nullptr; }
    w.stack_size = configured_stack_size();
    size_t slot = w.stack_size + page_size();
    size_t bytes = slot * (size_t)n;
    void* m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) { perror("trm_sim: mmap of fiber stacks"); abort(); }
    w.stacks = static_cast<char*>(m);
    w.stacks_mapped = bytes;
    w.fibers.assign((size_t)n, Fiber{});
    for (int i = 0; i < n; i++) {
        char* base = w.stacks + slot * (size_t)i;
        mprotect(base, page_size(), PROT_NONE);
        w.fibers[(size_t)i].stack_lo = base + page_size();
    }
}

static void fiber_main(void* arg);

static void switch_to_fiber(Worker& w, Fiber* f) {
    w.current = f;
    tl_thread = &f->ts;
#if defined(__x86_64__)
    trm_sim_switch(&w.sched_sp, f->sp);
#else
    swapcontext(&w.sched_uc, &f->uc);
#endif
}

static void switch_to_scheduler(Worker& w, Fiber* f) {
#if defined(__x86_64__)
    trm_sim_switch(&f->sp, w.sched_sp);
#else
    swapcontext(&f->uc, &w.sched_uc);
#endif
}

static void init_fiber_context(Fiber* f, size_t stack_size) {
#if defined(__x86_64__)
    uintptr_t top = (reinterpret_cast<uintptr_t>(f->stack_lo) + stack_size) & ~uintptr_t(15);
    uint64_t* sp = reinterpret_cast<uint64_t*>(top - 80);   // 16-aligned; trampoline starts at sp+64
    sp[0] = 0x1f80ull | (0x037full << 32);                    // MXCSR default, x87 control word default
    sp[1] = 0;                                                  // r15
    sp[2] = 0;                                                  // r14
    sp[3] = reinterpret_cast<uint64_t>(&fiber_main);            // r13: function
    sp[4] = reinterpret_cast<uint64_t>(f);                      // r12: argument
    sp[5] = 0;                                                  // rbx
    sp[6] = 0;                                                  // rbp
    sp[7] = reinterpret_cast<uint64_t>(&trm_sim_fiber_trampoline);
    sp[8] = 0;
    sp[9] = 0;
    f->sp = sp;
#else
    getcontext(&f->uc);
    f->uc.uc_stack.ss_sp = f->stack_lo;
    f->uc.uc_stack.ss_size = stack_size;
    f->uc.uc_link = nullptr;
    // makecontext passes int arguments: split the pointer.
    uintptr_t p = reinterpret_cast<uintptr_t>(f);
    makecontext(&f->uc, reinterpret_cast<void (*)()>(+[](unsigned int hi, unsigned int lo) {
        fiber_main(reinterpret_cast<void*>((static_cast<uintptr_t>(hi) << 32) | lo));
    }), 2, (unsigned int)(p >> 32), (unsigned int)(p & 0xffffffffu));
#endif
}

static std::string thread_name(const Fiber& f) {
    char b[96];
    snprintf(b, sizeof b, "thread (%u,%u,%u)", f.ts.tid.x, f.ts.tid.y, f.ts.tid.z);
    return b;
}
static std::string block_name(const Worker& w) {
    char b[96];
    snprintf(b, sizeof b, "block (%u,%u,%u)", w.block.bid.x, w.block.bid.y, w.block.bid.z);
    return b;
}

// ------------------------------------------------------------------------------------------------
// Barriers and warp collectives
// ------------------------------------------------------------------------------------------------
static void release_block_barrier(Worker& w, int op) {
    int count = 0, all = 1, any = 0;
    for (int i = 0; i < w.nthreads; i++) {
        Fiber& f = w.fibers[(size_t)i];
        if (f.state != WAIT_BLOCK) continue;
        count += f.pred; all &= f.pred; any |= f.pred;
    }
    int r = op == 1 ? count : op == 2 ? all : op == 3 ? any : 0;
    for (int i = 0; i < w.nthreads; i++) {
        Fiber& f = w.fibers[(size_t)i];
        if (f.state != WAIT_BLOCK) continue;
        f.result = r;
        f.state = RUNNABLE;
    }
    w.bar_arrived = 0;
}

static void complete_group(Worker& w, Warp& wp, WarpGroup& g) {
    void* args[32];
    for (int l = 0; l < 32; l++) args[l] = (g.arrived >> l) & 1u ? g.args[l] : nullptr;
    g.active = false;   // before fn: fn may fail() and must not leave a stale group behind
    g.fn(args);
    unsigned int warp_index = (unsigned int)(&wp - w.warps.data());
    for (int l = 0; l < 32; l++) {
        if (!((g.arrived >> l) & 1u)) continue;
        Fiber& f = w.fibers[(size_t)(warp_index * 32u + (unsigned int)l)];
        f.state = RUNNABLE;
        f.group = nullptr;
    }
}

int block_sync(int pred, int op, const char* file, int line) {
    Worker& w = *tl_worker;
    Fiber* f = w.current;
    if (w.bar_arrived == 0) {
        w.bar_file = file;
        w.bar_line = line;
        w.bar_first = f;
    } else if (line != w.bar_line || strcmp(file, w.bar_file) != 0) {
        fail("__syncthreads at %s:%d, but %s waits at the one at %s:%d (all threads of a block must reach the same barrier)",
             base_name(file), line, thread_name(*w.bar_first).c_str(), base_name(w.bar_file), w.bar_line);
    }
    f->pred = pred;
    f->state = WAIT_BLOCK;
    w.bar_op = op;
    if (++w.bar_arrived == w.live) {
        release_block_barrier(w, op);
        return f->result;
    }
    switch_to_scheduler(w, f);
    return f->result;
}

void warp_collective(unsigned int mask, const char* what, void* my_args, CollectiveFn fn, const char* file, int line) {
    Worker& w = *tl_worker;
    Fiber* f = w.current;
    unsigned int bit = 1u << f->ts.lane;
    if (!(mask & bit))
        fail("%s: lane %u calls with mask 0x%08x that does not include itself", what, f->ts.lane, mask);
    Warp& wp = w.warps[f->ts.warp];
    WarpGroup* g = nullptr;
    WarpGroup* free_slot = nullptr;
    for (auto& c : wp.groups) {
        if (c.active && c.mask == mask) { g = &c; break; }
        if (!c.active && !free_slot) free_slot = &c;
    }
    if (g) {
        if (g->fn != fn)
            fail("warp %u: lanes meet in different collectives with the same mask 0x%08x (%s and %s)", f->ts.warp, mask, g->what, what);
        // sm_70+ lets __syncwarp be reached from different places; the other collectives not.
        if ((line != g->line || strcmp(file, g->file) != 0) && strcmp(what, "__syncwarp") != 0)
            fail("%s at %s:%d, but lane %u of warp %u waits in the one at %s:%d with the same mask 0x%08x (all lanes must make the same call)",
                 what, base_name(file), line, g->first_lane, f->ts.warp, base_name(g->file), g->line, mask);
    } else {
        if (!free_slot) fail("warp %u: more than %d collectives with different masks pending at once", f->ts.warp, kGroupsPerWarp);
        g = free_slot;
        g->active = true;
        g->mask = mask;
        g->arrived = 0;
        g->what = what;
        g->fn = fn;
        g->file = file;
        g->line = line;
        g->first_lane = f->ts.lane;
    }
    g->args[f->ts.lane] = my_args;
    g->arrived |= bit;
    f->state = WAIT_WARP;
    f->group = g;
    if (g->arrived == (g->mask & wp.live)) {
        complete_group(w, wp, *g);
        return;
    }
    switch_to_scheduler(w, f);
}

void yield() {
    Worker& w = *tl_worker;
    switch_to_scheduler(w, w.current);
}

unsigned int live_lanes() {
    Worker& w = *tl_worker;
    return w.warps[w.current->ts.warp].live;
}

void fail(const char* fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    Worker* w = tl_worker;
    if (!w || !w->current) {  // not inside a kernel: nothing sensible to unwind to
        fprintf(stderr, "trm_sim: %s\n", msg);
        abort();
    }
    w->launch->set_error("kernel " + w->launch->kernel->name + ": " + block_name(*w) + " " + thread_name(*w->current) + ": " + msg);
    w->aborted = true;
    Fiber* f = w->current;
    f->state = DONE;
    for (;;) switch_to_scheduler(*w, f);  // the scheduler never resumes an aborted block
}

// A thread finished: it no longer counts for barriers and warp collectives.
static void on_thread_exit(Worker& w, Fiber* f) {
    f->state = DONE;
    w.live--;
    Warp& wp = w.warps[f->ts.warp];
    wp.live &= ~(1u << f->ts.lane);
    for (auto& g : wp.groups)
        if (g.active && g.arrived == (g.mask & wp.live) && g.arrived != 0) complete_group(w, wp, g);
    if (w.bar_arrived > 0 && w.bar_arrived == w.live) release_block_barrier(w, w.bar_op);
}

static void fiber_main(void* arg) {
    Fiber* f = static_cast<Fiber*>(arg);
    Worker& w = *tl_worker;
    w.launch->kernel->invoke(w.launch->kernel->fn, w.launch->args);
    on_thread_exit(w, f);
    for (;;) switch_to_scheduler(w, f);
}

// ------------------------------------------------------------------------------------------------
// Running blocks
// ------------------------------------------------------------------------------------------------
static std::string describe_deadlock(Worker& w) {
    std::string s = "deadlock in " + block_name(w) + ": ";
    int shown = 0, waiting = 0;
    for (int i = 0; i < w.nthreads; i++) {
        Fiber& f = w.fibers[(size_t)i];
        if (f.state == DONE) continue;
        waiting++;
        if (shown >= 4) continue;
        char b[200];
        if (f.state == WAIT_BLOCK) snprintf(b, sizeof b, "%s waits at __syncthreads", thread_name(f).c_str());
        else snprintf(b, sizeof b, "%s waits at %s (mask 0x%08x, arrived 0x%08x, live 0x%08x)", thread_name(f).c_str(),
                      f.group ? f.group->what : "?", f.group ? f.group->mask : 0u, f.group ? f.group->arrived : 0u,
                      w.warps[f.ts.warp].live);
        s += (shown ? "; " : "") + std::string(b);
        shown++;
    }
    char tail[96];
    snprintf(tail, sizeof tail, " (%d of %d threads waiting, the others exited)", waiting, w.nthreads);
    return s + tail;
}

static void run_block(Worker& w, Launch& L, unsigned long long b) {
    const dim3 g = L.grid, bd = L.block;
    w.block.bid = uint3{(unsigned int)(b % g.x), (unsigned int)((b / g.x) % g.y), (unsigned int)(b / ((unsigned long long)g.x * g.y))};
    w.block.bdim = bd;
    w.block.gdim = g;
    tl_block = &w.block;
    int n = (int)(bd.x * bd.y * bd.z);
    w.nthreads = n;
    w.live = n;
    w.bar_arrived = 0;
    w.aborted = false;
    // Shared memory as a GPU leaves it: whatever the last block wrote. Poison makes reads of
    // never-written shared memory show (NaN / -1) instead of silently seeing stale values.
    size_t static_bytes;
    unsigned char* smem = static_smem(&static_bytes);
    if (static_bytes) memset(smem, 0xff, static_bytes);
    if (L.shared_bytes) memset(dynamic_smem, 0xff, L.shared_bytes);
    w.order.resize((size_t)n);
    for (int i = 0; i < n; i++) w.order[(size_t)i] = L.order == ORDER_REVERSED ? n - 1 - i : i;
    if (L.order == ORDER_SHUFFLED) {  // Fisher-Yates from (launch seed, block): reproducible
        unsigned long long r = splitmix64(L.seed ^ splitmix64(b + 1));
        for (int i = n - 1; i > 0; i--) {
            r = splitmix64(r);
            std::swap(w.order[(size_t)i], w.order[(size_t)(r % (unsigned long long)(i + 1))]);
        }
    }
    int nwarps = (n + 31) / 32;
    w.warps.resize((size_t)nwarps);
    for (int i = 0; i < nwarps; i++) {
        int lanes = std::min(32, n - i * 32);
        w.warps[(size_t)i].live = lanes == 32 ? 0xffffffffu : ((1u << lanes) - 1u);
        for (auto& gr : w.warps[(size_t)i].groups) gr.active = false;
    }
    for (int i = 0; i < n; i++) {
        Fiber& f = w.fibers[(size_t)i];
        unsigned int u = (unsigned int)i;
        f.ts.tid = uint3{u % bd.x, (u / bd.x) % bd.y, u / (bd.x * bd.y)};
        f.ts.linear = u;
        f.ts.lane = u & 31u;
        f.ts.warp = u >> 5;
        f.state = RUNNABLE;
        f.group = nullptr;
        f.pred = f.result = 0;
        init_fiber_context(&f, w.stack_size);
    }
    while (w.live > 0) {
        bool ran = false;
        for (int k = 0; k < n; k++) {
            Fiber* f = &w.fibers[(size_t)w.order[(size_t)k]];
            if (f->state != RUNNABLE) continue;
            ran = true;
            switch_to_fiber(w, f);
            if (w.aborted) break;
        }
        if (w.aborted) break;
        if (!ran) {
            L.set_error("kernel " + L.kernel->name + ": " + describe_deadlock(w));
            break;
        }
    }
    w.current = nullptr;
    tl_thread = nullptr;
    tl_block = nullptr;
}

static void work(Launch& L) {
    if (!tl_worker) {  // one per OS thread, kept for its stacks
        tl_worker_owner.reset(new Worker());
        tl_worker = tl_worker_owner.get();
    }
    Worker& w = *tl_worker;
    w.launch = &L;
    ensure_stacks(w, (int)(L.block.x * L.block.y * L.block.z));
    // Canary past the launch's dynamic shared memory: a kernel that uses more than the launch
    // passed would read another block's data or fault on a GPU.
    static const std::vector<unsigned char> canary = [] {
        std::vector<unsigned char> c(TRM_SIM_MAX_DYN_SMEM);
        const uint32_t word = TRM_SIM_CANARY;
        for (size_t o = 0; o < c.size(); o += 4) memcpy(c.data() + o, &word, 4);
        return c;
    }();
    const size_t lo = L.shared_bytes, hi = TRM_SIM_MAX_DYN_SMEM;
    memcpy(dynamic_smem + lo, canary.data() + lo, hi - lo);
    bool ran = false;
    for (;;) {
        if (L.failed.load()) break;
        unsigned long long b = L.next.fetch_add(1);
        if (b >= L.total_blocks) break;
        run_block(w, L, b);
        ran = true;
    }
    if (ran && !L.failed.load() && memcmp(dynamic_smem + lo, canary.data() + lo, hi - lo) != 0) {
        size_t at = lo;
        while (at < hi && dynamic_smem[at] == canary[at]) at++;
        char m[256];
        snprintf(m, sizeof m, "kernel %s: wrote dynamic shared memory at byte %zu, but the launch passed only %u bytes",
                 L.kernel->name.c_str(), at, L.shared_bytes);
        L.set_error(m);
    }
    w.launch = nullptr;
}

// ------------------------------------------------------------------------------------------------
// Worker pool: helpers wake up for every launch; the calling thread works too.
// ------------------------------------------------------------------------------------------------
class Pool {
  public:
    explicit Pool(int helpers) {
        for (int i = 0; i < helpers; i++) threads_.emplace_back([this] { loop(); });
    }
    int size() const { return (int)threads_.size() + 1; }
    void run(Launch& L) {
        if (threads_.empty() || L.total_blocks == 1) { work(L); return; }
        {
            std::lock_guard<std::mutex> g(m_);
            job_ = &L;
            pending_ = (int)threads_.size();
            generation_++;
        }
        cv_.notify_all();
        work(L);
        std::unique_lock<std::mutex> g(m_);
        done_cv_.wait(g, [this] { return pending_ == 0; });
        job_ = nullptr;
    }

  private:
    void loop() {
        unsigned long long seen = 0;
        for (;;) {
            Launch* L;
            {
                std::unique_lock<std::mutex> g(m_);
                cv_.wait(g, [&] { return generation_ != seen; });
                seen = generation_;
                L = job_;
            }
            work(*L);
            {
                std::lock_guard<std::mutex> g(m_);
                if (--pending_ == 0) done_cv_.notify_all();
            }
        }
    }
    std::vector<std::thread> threads_;
    std::mutex m_;
    std::condition_variable cv_, done_cv_;
    Launch* job_ = nullptr;
    int pending_ = 0;
    unsigned long long generation_ = 0;
};

static Pool& pool() {
    // Leaked on purpose: helper threads live as long as the process.
    static Pool* p = [] {
        int n = (int)std::thread::hardware_concurrency();
        if (const char* e = getenv("TRM_SIM_THREADS")) n = atoi(e);
        if (n < 1) n = 1;
        if (n > 64) n = 64;
        return new Pool(n - 1);
    }();
    return *p;
}

static std::mutex launch_mutex;
static std::string last_error;

static int launch(int index, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,
                  unsigned int bz, unsigned int shared_bytes, void** args) {
    std::lock_guard<std::mutex> guard(launch_mutex);
    last_error.clear();
    auto& reg = registry();
    if (!duplicate_kernels().empty()) { last_error = "kernels registered twice: " + duplicate_kernels(); return 1; }
    if (index < 0 || index >= (int)reg.size()) { last_error = "no kernel with index " + std::to_string(index); return 1; }
    const KernelEntry& k = reg[(size_t)index];
    char b[256];
    unsigned long long threads = (unsigned long long)bx * by * bz;
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0) {
        snprintf(b, sizeof b, "kernel %s: empty grid (%u,%u,%u) or block (%u,%u,%u)", k.name.c_str(), gx, gy, gz, bx, by, bz);
        last_error = b;
        return 1;
    }
    if (threads > TRM_SIM_MAX_THREADS_PER_BLOCK || bz > 64 || gy > 65535 || gz > 65535 || gx > 0x7fffffffu) {
        snprintf(b, sizeof b, "kernel %s: grid (%u,%u,%u) x block (%u,%u,%u) exceeds CUDA limits (1024 threads per block, block z <= 64, grid y,z <= 65535)",
                 k.name.c_str(), gx, gy, gz, bx, by, bz);
        last_error = b;
        return 1;
    }
    if (shared_bytes > TRM_SIM_MAX_DYN_SMEM) {
        snprintf(b, sizeof b, "kernel %s: %u bytes of dynamic shared memory, at most %d", k.name.c_str(), shared_bytes, TRM_SIM_MAX_DYN_SMEM);
        last_error = b;
        return 1;
    }
    if (!k.signature.empty() && !args) { last_error = "kernel " + k.name + ": null argument array"; return 1; }
    for (size_t i = 0; i < k.signature.size(); i++)
        if (!args[i]) { last_error = "kernel " + k.name + ": argument " + std::to_string(i) + " is a null pointer-to-argument"; return 1; }
    Launch L;
    L.kernel = &k;
    L.shared_bytes = shared_bytes;
    L.order = g_order.load();
    // From the seed and the kernel's name, not a launch counter: the same launch gets the same
    // order however many launches came before (a run stays reproducible bit for bit).
    unsigned long long h = 1469598103934665603ull;
    for (char c : k.name) h = (h ^ (unsigned char)c) * 1099511628211ull;
    L.seed = splitmix64(g_seed.load() ^ h);
    L.grid = dim3(gx, gy, gz);
    L.block = dim3(bx, by, bz);
    L.args = args;
    L.total_blocks = (unsigned long long)gx * gy * gz;
    pool().run(L);
    if (L.failed.load()) { last_error = L.error; return 2; }
    return 0;
}

} // namespace trm_sim

TRM_SIM_EXPORT int trm_sim_kernel_count(void) { return (int)trm_sim::registry().size(); }
TRM_SIM_EXPORT const char* trm_sim_kernel_name(int i) {
    auto& r = trm_sim::registry();
    return i >= 0 && i < (int)r.size() ? r[(size_t)i].name.c_str() : nullptr;
}
TRM_SIM_EXPORT const char* trm_sim_kernel_signature(int i) {
    auto& r = trm_sim::registry();
    return i >= 0 && i < (int)r.size() ? r[(size_t)i].signature.c_str() : nullptr;
}
TRM_SIM_EXPORT int trm_sim_find_kernel(const char* name) {
    auto& r = trm_sim::registry();
    for (size_t i = 0; i < r.size(); i++)
        if (r[i].name == name) return (int)i;
    return -1;
}
TRM_SIM_EXPORT int trm_sim_launch(int index, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                                  unsigned int by, unsigned int bz, unsigned int shared_bytes, void** args) {
    return trm_sim::launch(index, gx, gy, gz, bx, by, bz, shared_bytes, args);
}
TRM_SIM_EXPORT int trm_sim_launch_by_name(const char* name, unsigned int gx, unsigned int gy, unsigned int gz,
                                          unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared_bytes,
                                          void** args) {
    int i = trm_sim_find_kernel(name);
    if (i < 0) {
        std::lock_guard<std::mutex> guard(trm_sim::launch_mutex);
        trm_sim::last_error = std::string("no kernel named ") + name;
        return 1;
    }
    return trm_sim::launch(i, gx, gy, gz, bx, by, bz, shared_bytes, args);
}
TRM_SIM_EXPORT const char* trm_sim_last_error(void) { return trm_sim::last_error.c_str(); }
TRM_SIM_EXPORT int trm_sim_max_dynamic_shared(void) { return TRM_SIM_MAX_DYN_SMEM; }
TRM_SIM_EXPORT int trm_sim_max_threads_per_block(void) { return TRM_SIM_MAX_THREADS_PER_BLOCK; }
TRM_SIM_EXPORT int trm_sim_worker_count(void) { return trm_sim::pool().size(); }
TRM_SIM_EXPORT int trm_sim_set_order(int mode, long long seed) {
    if (mode < trm_sim::ORDER_ASCENDING || mode > trm_sim::ORDER_SHUFFLED) return 1;
    std::lock_guard<std::mutex> guard(trm_sim::launch_mutex);
    trm_sim::g_order.store(mode);
    trm_sim::g_seed.store((unsigned long long)seed);
    return 0;
}
TRM_SIM_EXPORT int trm_sim_static_shared_bytes(void) {
    size_t n;
    trm_sim::static_smem(&n);
    return (int)n;
}
