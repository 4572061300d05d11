// A Catch2 test that cannot run here says so: "SKIPPED: why" on a line of its own, which
// ctest turns into a skipped test (SKIP_REGULAR_EXPRESSION in CMakeLists.txt), never a pass.
#pragma once

#include <iostream>

#define AH_SKIP(why)                                              \
    do {                                                          \
        std::cout << "\nSKIPPED: " << why << std::endl;           \
        return;                                                   \
    } while (0)
