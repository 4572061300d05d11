#!/usr/bin/env bash
# Installs the Debian 12 packages awesome-health needs, only those missing (idempotent).
# Works as root or through sudo. Extra packages may be passed as arguments.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config ca-certificates openssl
  libcurl4-openssl-dev libssl-dev libboost-dev libsimdjson-dev libtomlplusplus-dev
  catch2 libmd4c-dev libmd4c-html0-dev libpugixml-dev libcli11-dev libfmt-dev zlib1g-dev
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "setup: missing packages (${missing[*]}) and neither root nor sudo is available" >&2
  exit 2
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
