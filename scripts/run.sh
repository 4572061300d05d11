#!/usr/bin/env bash
# One command: install what is missing, build, and run the nightly job on config.toml.
# Extra arguments go to the awesome-health command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
# Until `check` lands (issue 3) the main job is the offline extraction report.
exec ./build/awesome-health dump --config config.toml --format text "$@"
