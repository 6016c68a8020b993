// Simulator stand-in.
#pragma once
#error "cooperative_groups are not supported by the simulator"
