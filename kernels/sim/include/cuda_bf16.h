// Simulator stand-in for <cuda_bf16.h>: cuda_sim.h (force-included) already declares what kernels use.
#pragma once
