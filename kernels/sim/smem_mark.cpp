// smem_mark.cpp - one marker of the kernels' static shared memory, compiled twice by
// build-kernels.sh (-DTRM_SIM_MARK=trm_sim_smem_begin / trm_sim_smem_end) and linked right before
// and after the kernels' object: every `__shared__` (thread_local) variable of the set lies between
// the two in the TLS block, and the runtime poisons that span at the start of every block.
extern "C" __attribute__((visibility("hidden"))) __thread unsigned char TRM_SIM_MARK;
__thread unsigned char TRM_SIM_MARK;
