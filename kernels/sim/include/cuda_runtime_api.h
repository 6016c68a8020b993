// Simulator stand-in for <cuda_runtime_api.h>: cuda_sim.h (force-included) already declares what kernels use.
#pragma once
