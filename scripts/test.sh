#!/usr/bin/env bash
# One command: install what is missing, build with -Werror, run the whole test suite,
# then the same suite again under AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer
# included) and under ThreadSanitizer, then a short libFuzzer run of every fuzz target
# (AH_SKIP_SANITIZERS=1, AH_SKIP_FUZZ=1 skip those).
set -euo pipefail
cd "$(dirname "$0")/.."
# chromium: the [browser] test of the HTML report; yamllint (and python3-yaml with it)
# validates .github/workflows in the test suite; valgrind replays the fuzz inputs through the
# libraries ASan cannot see into (fuzz_valgrind.*).
bash scripts/setup.sh chromium yamllint valgrind
jobs=$(nproc)
# ctest says "Skipped" but not why; the tests print the reason on a line of their own.
skip_reasons() { grep -h "^SKIPPED:" "$1/Testing/Temporary/LastTest.log" 2>/dev/null || true; }

echo "== build (warnings are errors)"
bash scripts/build.sh build -DAH_WERROR=ON
echo "== tests"
ctest --test-dir build --output-on-failure --parallel "$jobs"
skip_reasons build

if [ "${AH_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build (ASan + UBSan)"
  bash scripts/build.sh build-asan -DAH_WERROR=ON -DAH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  echo "== tests (ASan + UBSan)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure --parallel "$jobs"
  skip_reasons build-asan
  # libcurl resolves names on threads of its own, and the test servers run on threads beside
  # the client under test: the same suite once more under ThreadSanitizer.
  echo "== build (TSan)"
  bash scripts/build.sh build-tsan -DAH_WERROR=ON -DAH_TSAN=ON -DCMAKE_BUILD_TYPE=Debug
  echo "== tests (TSan)"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir build-tsan --output-on-failure --parallel "$jobs"
  skip_reasons build-tsan
fi

if [ "${AH_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz (clang-14 + libFuzzer, a fixed number of executions per target, about 30 s each)"
  bash scripts/fuzz.sh --ci
fi
