// Simulator stand-in for <mma.h>: cuda_sim.h (force-included) already declares what kernels use.
#pragma once
