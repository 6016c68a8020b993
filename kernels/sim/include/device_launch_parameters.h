// Simulator stand-in for <device_launch_parameters.h>: cuda_sim.h (force-included) already declares what kernels use.
#pragma once
