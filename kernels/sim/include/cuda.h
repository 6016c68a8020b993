// Simulator stand-in for <cuda.h>: cuda_sim.h (force-included) already declares what kernels use.
#pragma once
