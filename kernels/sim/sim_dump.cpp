// sim_dump.cpp - prints the kernel table of a simulator build, "name signature" per line; linked
// with the same objects as the library by build-kernels.sh.
#include <cstdio>

extern "C" int trm_sim_kernel_count(void);
extern "C" const char* trm_sim_kernel_name(int);
extern "C" const char* trm_sim_kernel_signature(int);

int main() {
    for (int i = 0; i < trm_sim_kernel_count(); i++) printf("%s %s\n", trm_sim_kernel_name(i), trm_sim_kernel_signature(i));
    return 0;
}
