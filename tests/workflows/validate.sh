#!/usr/bin/env bash
# Validates every workflow in .github/workflows. Exit 77 (ctest: skipped) when a tool is missing.
#   validate.sh structure   YAML lint (yamllint) + the checks that matter (check_workflows.py)
#   validate.sh schema      GitHub's workflow schema (action-validator, npm @action-validator/cli 0.6.0)
set -uo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-structure}
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "no workflows in .github/workflows" >&2
  exit 1
fi

case "$mode" in
  structure)
    if ! command -v yamllint >/dev/null 2>&1; then
      echo "SKIPPED: yamllint is not installed (bash scripts/setup.sh yamllint)"
      exit 77
    fi
    python=""
    for candidate in /usr/bin/python3 python3; do
      if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' 2>/dev/null; then
        python=$candidate
        break
      fi
    done
    if [ -z "$python" ]; then
      echo "SKIPPED: no python3 with PyYAML (python3-yaml, a dependency of yamllint)"
      exit 77
    fi
    # GitHub's `on:` key is a YAML 1.1 boolean to yamllint's truthy rule: keys are not checked.
    yamllint -s -d "{extends: default, rules: {line-length: {max: 120}, document-start: disable,
                     truthy: {check-keys: false}}}" "${workflows[@]}" || exit 1
    exec "$python" tests/workflows/check_workflows.py "${workflows[@]}"
    ;;
  schema)
    validator=$(command -v action-validator || true)
    if [ -z "$validator" ] && [ -x node_modules/.bin/action-validator ]; then validator=node_modules/.bin/action-validator; fi
    if [ -z "$validator" ]; then
      echo "SKIPPED: action-validator is not installed (npm install -g @action-validator/cli@0.6.0)"
      exit 77
    fi
    failed=0
    for f in "${workflows[@]}"; do
      if "$validator" "$f"; then echo "ok: $f"; else echo "INVALID: $f"; failed=1; fi
    done
    exit $failed
    ;;
  *)
    echo "usage: $0 structure|schema" >&2
    exit 2
    ;;
esac
