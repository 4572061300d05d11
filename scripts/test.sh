#!/usr/bin/env bash
# One command: install what is missing, build with -Werror, run the whole test suite,
# then the same suite again under AddressSanitizer + UndefinedBehaviorSanitizer, then a
# short libFuzzer run of every fuzz target (AH_SKIP_SANITIZERS=1, AH_SKIP_FUZZ=1 skip those).
set -euo pipefail
cd "$(dirname "$0")/.."
# chromium: the [browser] test of the HTML report; yamllint (and python3-yaml with it)
# validates .github/workflows in the test suite.
bash scripts/setup.sh chromium yamllint
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
fi

if [ "${AH_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz (clang-14 + libFuzzer, 30 s per target)"
  bash scripts/fuzz.sh 30
fi
