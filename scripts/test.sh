#!/usr/bin/env bash
# One command: install what is missing, build with -Werror, run the whole test suite,
# then the same suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
# yamllint (and python3-yaml with it) validates .github/workflows in the test suite.
bash scripts/setup.sh yamllint
jobs=$(nproc)

echo "== build (warnings are errors)"
bash scripts/build.sh build -DAH_WERROR=ON
echo "== tests"
ctest --test-dir build --output-on-failure --parallel "$jobs"

if [ "${AH_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build (ASan + UBSan)"
  bash scripts/build.sh build-asan -DAH_WERROR=ON -DAH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  echo "== tests (ASan + UBSan)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure --parallel "$jobs"
fi
