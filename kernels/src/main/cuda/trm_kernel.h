// trm_kernel.h - included by every kernel source (nvcc and simulator builds alike).
//
// Conventions for a kernel source (one .cu per fused layer):
//   * kernels are `extern "C" __global__` (unmangled names: the fatbin and the simulator find
//     them by the same name) and each is followed by a `TRM_KERNEL(name)` line, which registers it
//     with the simulator and expands to nothing under nvcc;
//   * all sources of a kernel set are compiled as ONE translation unit (one fatbin, with PTX), so
//     file-local helpers live in a namespace named after the file, and `extern __shared__` arrays
//     need names unique within the set (or one shared declaration);
//   * code that needs inline PTX or Hopper-only features sits behind `#ifndef TRM_SIM` next to a
//     portable variant that the simulator runs.
#pragma once
#ifndef TRM_KERNEL
#define TRM_KERNEL(name)
#endif
