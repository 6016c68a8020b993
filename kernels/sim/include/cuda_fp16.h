// Simulator stand-in: half precision is not simulated (the project uses bf16).
#pragma once
#error "cuda_fp16.h: __half is not supported by the simulator; use __nv_bfloat16"
