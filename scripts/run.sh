#!/usr/bin/env bash
# One command: install what is missing, build, and run the nightly job on config.toml.
# Extra arguments go to `awesome-health check`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
exec ./build/awesome-health check --config config.toml "$@"
