#!/usr/bin/env bash
# The 100,000-link run of bench/README.md end to end: builds if needed, writes the list,
# starts the latency server (bounded by --max-seconds), runs `awesome-health check` under
# /usr/bin/time -v while sampling its open file descriptors every 100 ms, and prints wall
# time, the ratio to the ideal bound, peak RSS, peak fds, requests and 429s. With NIGHTS=N
# the same check runs N times over the same reports directory, as N nights would: from the
# second on, the previous health.json is read and its history carried (one row a night).
#
# Usage: bash bench/big_bench.sh
# Environment: LINKS (100000), NIGHTS (1), BENCH_PORT (18655), BUILD_DIR (build), SKIP_BUILD=1,
#              CHECKER (the awesome-health binary to measure; default BUILD_DIR's),
#              OUT (bench/out/big-LINKS), TOOL_TIMEOUT seconds (600).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
links=${LINKS:-100000}
nights=${NIGHTS:-1}
[[ $nights =~ ^[1-9][0-9]*$ ]] || { echo "big_bench: NIGHTS must be a positive number" >&2; exit 2; }
port=${BENCH_PORT:-18655}
build_dir=${BUILD_DIR:-build}
tool_timeout=${TOOL_TIMEOUT:-600}
out=${OUT:-$root/bench/out/big-$links}
server_bin=$root/$build_dir/ah_bench_latency_server
checker_bin=${CHECKER:-$root/$build_dir/awesome-health}

# Everything goes to 127.0.0.x directly, never through a proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

die() { echo "big_bench: $*" >&2; exit 2; }

for tool in /usr/bin/time jq pgrep; do
  command -v "$tool" >/dev/null || die "needs $tool (apt-get install time jq procps)"
done
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  bash scripts/build.sh "$build_dir" >/dev/null
fi
[[ -x $server_bin && -x $checker_bin ]] || die "no $server_bin or $checker_bin: build first"

# --- scenario ---------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
"$server_bin" --port "$port" --write-list "$out/list.md" --links "$links" >"$out/scenario.json"
ideal=$(jq -r .ideal_bound_s "$out/scenario.json")
ideal_shown=$(awk -v i="$ideal" 'BEGIN {printf "%.2f", i}')
# The same settings as the issue's scenario: 8 per host (what the server allows), a global
# cap that never binds (50 x 8), no spacing, no lookups that would leave the machine.
cat >"$out/config.toml" <<'EOF'
[check]
timeout_ms = 10000
connect_timeout_ms = 5000
per_host_in_flight = 8
max_in_flight = 400
min_interval_ms = 0
progress = "never"

[reports]
dir = "reports"

[wayback]
enabled = false
EOF
max_in_flight=400

server_pid=
checker_pid=
cleanup() {
  [[ -n $checker_pid ]] && kill -TERM "$checker_pid" 2>/dev/null || true
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

echo "| night | links | wall s | ideal bound s | ratio | requests | 429s | peak RSS MB | peak fds (max_in_flight $max_in_flight) | dead |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for night in $(seq 1 "$nights"); do
  "$server_bin" --port "$port" --stats "$out/stats.json" --max-seconds $((tool_timeout + 60)) \
    >"$out/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do  # up to 10 s
    grep -q '^ready' "$out/server.log" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log" >&2; die "the latency server did not start"; }
    sleep 0.1
  done
  grep -q '^ready' "$out/server.log" || die "the latency server did not start on port $port (BENCH_PORT=...)"

  # --- the run ----------------------------------------------------------------------------
  status=0
  /usr/bin/time -v -o "$out/time.txt" timeout "$tool_timeout" \
    "$checker_bin" check --config "$out/config.toml" "$out/list.md" >"$out/stdout.txt" 2>"$out/stderr.txt" &
  checker_pid=$!
  # /usr/bin/time -> timeout -> awesome-health: sample the grandchild's fd table.
  peak_fds=0
  tool_pid=
  while kill -0 "$checker_pid" 2>/dev/null; do
    if [[ -z $tool_pid ]]; then
      timeout_pid=$(pgrep -P "$checker_pid" 2>/dev/null | head -n1 || true)
      [[ -n $timeout_pid ]] && tool_pid=$(pgrep -P "$timeout_pid" 2>/dev/null | head -n1 || true)
    fi
    if [[ -n $tool_pid ]]; then
      fds=$(ls "/proc/$tool_pid/fd" 2>/dev/null | wc -l || true)
      ((fds > peak_fds)) && peak_fds=$fds
    fi
    sleep 0.1
  done
  wait "$checker_pid" || status=$?
  checker_pid=
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
  ((status == 124)) && echo "big_bench: the check did not finish in $tool_timeout s" >&2
  # Exit 1 is expected: 1% of the links answer 404.
  ((status <= 1)) || { tail -5 "$out/stderr.txt" >&2; die "check exited $status"; }

  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s}' "$out/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out/time.txt")
  requests=$(jq -r .total.requests "$out/stats.json")
  r429=$(jq -r .total.status_429 "$out/stats.json")
  dead=$(jq -r .summary.dead "$out/reports/health.json")
  ratio=$(awk -v w="$wall" -v i="$ideal" 'BEGIN {printf "%.2f", w / i}')
  echo "| $night | $links | $wall | $ideal_shown | $ratio | $requests | $r429 | $rss | $peak_fds | $dead |"
done
echo "big_bench: outputs in $out (time.txt, stats.json, reports/ of the last night)" >&2
