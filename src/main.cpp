// awesome-health command line: parses arguments with CLI11 and maps outcomes to exit codes.
#include <cstdio>

int main() {
    std::puts("awesome-health: skeleton");
    return 0;
}
