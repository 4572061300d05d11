#!/usr/bin/env bash
# Checking benchmark: awesome-health, markdown-link-check and linkinator against one loopback
# latency server (bench/latency_server.cpp); prints a Markdown table. See bench/README.md.
#
# Usage: bash bench/check_bench.sh
# Environment: BENCH_PORT (18427), BUILD_DIR (build-bench), SKIP_BUILD=1, SKIP_PEERS=1,
#              SKIP_EXTRA=1 (no rows with default settings), TOOL_TIMEOUT seconds per tool
#              run (600), LINKINATOR_CONCURRENCY (400).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
port=${BENCH_PORT:-18427}
build_dir=${BUILD_DIR:-build-bench}
tool_timeout=${TOOL_TIMEOUT:-600}
linkinator_concurrency=${LINKINATOR_CONCURRENCY:-400}
out=$root/bench/out
server_bin=$root/$build_dir/ah_bench_latency_server
checker_bin=$root/$build_dir/awesome-health

# Everything goes to 127.0.0.x directly, never through a proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

die() { echo "check_bench: $*" >&2; exit 2; }

# --- tools ------------------------------------------------------------------------------
missing=()
[[ -x /usr/bin/time ]] || missing+=(time)
command -v jq >/dev/null || missing+=(jq)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: apt-get install ${missing[*]}"
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  bash scripts/build.sh "$build_dir" >/dev/null
fi
[[ -x $server_bin && -x $checker_bin ]] || die "no $server_bin or $checker_bin: build first"
if [[ ${SKIP_PEERS:-0} != 1 ]]; then
  command -v npm >/dev/null || die "npm is needed for the peers (or SKIP_PEERS=1)"
  if [[ ! -x bench/node_modules/.bin/linkinator || ! -x bench/node_modules/.bin/markdown-link-check ]]; then
    npm ci --prefix bench --no-audit --no-fund >/dev/null 2>&1 || npm install --prefix bench --no-audit --no-fund >/dev/null
  fi
fi

# --- scenario ---------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
list=$out/list.md
"$server_bin" --write-list "$list" --port "$port" >"$out/scenario.json"
ideal=$(jq -r .ideal_bound_s "$out/scenario.json" | awk '{printf "%.2f", $1}')
fifo0=$(jq -r .fifo_schedule_s.min_interval_0ms "$out/scenario.json")
fifo50=$(jq -r .fifo_schedule_s.min_interval_50ms "$out/scenario.json")

server_pid=
stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap stop_server EXIT

# A fresh server per tool: fresh counters and no connections left over from the previous tool.
start_server() {  # name
  "$server_bin" --port "$port" --stats "$out/stats-$1.json" --max-seconds $((tool_timeout + 60)) \
    >"$out/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do  # up to 10 s
    grep -q '^ready' "$out/server-$1.log" 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$out/server-$1.log" >&2
  die "the latency server did not start on port $port (BENCH_PORT=...)"
}

rows=()
notes=()
measure() {  # name dead-count-command -- command...
  local name=$1 dead_cmd=$2
  shift 3
  start_server "$name"
  local status=0 started ended
  started=$(date +%s.%N)
  /usr/bin/time -v -o "$out/time-$name.txt" timeout "$tool_timeout" "$@" >"$out/stdout-$name.txt" \
    2>"$out/stderr-$name.txt" || status=$?
  ended=$(date +%s.%N)
  stop_server
  # timeout(1) says 124 when it had to stop the tool; checkers exit 1 for dead links.
  ((status == 124)) && echo "check_bench: $name did not finish in $tool_timeout s" >&2
  local wall rss requests r429 peak dead ratio busy
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s}' "$out/time-$name.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$out/time-$name.txt")
  requests=$(jq -r .total.requests "$out/stats-$name.json")
  r429=$(jq -r .total.status_429 "$out/stats-$name.json")
  peak=$(jq -r .total.peak_concurrency_max "$out/stats-$name.json")
  busy=$(jq -r .total.first_request_to_last_response_s "$out/stats-$name.json" | awk '{printf "%.2f", $1}')
  notes+=("$name: $(jq -r --argjson s "$started" --argjson e "$ended" \
    '.total | "\(.first_request_unix - $s | . * 1000 | round) ms from start to first request, \($e - .last_response_unix | . * 1000 | round) ms from last response to exit, \(.head) HEAD + \(.get) GET, \(.connections) connections"' \
    "$out/stats-$name.json")")
  dead=$(eval "$dead_cmd" 2>/dev/null || echo "?")
  ratio=$(awk -v w="$wall" -v i="$ideal" 'BEGIN {printf "%.2f", w / i}')
  rows+=("| $name | $wall | $busy | $ideal | $ratio | $rss | $requests | $r429 | $peak | $dead | $status |")
}

measure awesome-health "jq -r .summary.dead '$out/reports/health.json'" -- \
  "$checker_bin" check --config bench/check-bench.toml "$list"
# The next night: the previous snapshot says which links were slow, and they start first.
measure awesome-health-night2 "jq -r .summary.dead '$out/reports/health.json'" -- \
  "$checker_bin" check --config bench/check-bench.toml "$list"
if [[ ${SKIP_EXTRA:-0} != 1 ]]; then
  # The same run with the default 50 ms between starts to one host.
  measure awesome-health-interval50 "jq -r .summary.dead '$out/reports/health.json'" -- \
    "$checker_bin" check --config bench/check-bench.toml --set check.min_interval_ms=50 "$list"
fi
if [[ ${SKIP_PEERS:-0} != 1 ]]; then
  linkinator_dead="jq '[.links[] | select(.state == \"BROKEN\")] | length'"
  measure "linkinator-c$linkinator_concurrency" "$linkinator_dead '$out/stdout-linkinator-c$linkinator_concurrency.txt'" -- \
    bench/node_modules/.bin/linkinator "$list" --markdown --concurrency "$linkinator_concurrency" \
    --timeout 10000 --retry --format json
  if [[ ${SKIP_EXTRA:-0} != 1 ]]; then
    # linkinator's default concurrency (100).
    measure linkinator-c100 "$linkinator_dead '$out/stdout-linkinator-c100.txt'" -- \
      bench/node_modules/.bin/linkinator "$list" --markdown --concurrency 100 --timeout 10000 --retry --format json
  fi
  # It lists each dead link twice (as checked, then again); count its summary line on stderr.
  measure markdown-link-check "sed -n 's/.*ERROR: \([0-9]*\) dead links found.*/\1/p' '$out/stderr-markdown-link-check.txt'" -- \
    bench/node_modules/.bin/markdown-link-check --config bench/markdown-link-check.json "$list"
fi

echo
echo "scenario: $(jq -r '"\(.links) links, \(.hosts) hosts, \(.not_found) answer 404, \(.slow) take 2 s; ideal bound \(.ideal_bound_s) s (busiest host \(.busiest_host): \(.busiest_host_work_s) s of work / 8; slowest request \(.slowest_request_s) s)"' "$out/scenario.json")"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the machine skews wall times)"
echo "list-order (FIFO) schedule with 8 per host: $fifo0 s without spacing, $fifo50 s with 50 ms between starts; $(jq -r '.fifo_worst_host | "worst host \(.host): its 2 s link \(.last_slow_position) of \(.links) cannot start before \(.last_slow_start_s) s"' "$out/scenario.json")"
echo
echo "| tool | wall s | server busy s | ideal bound s | ratio | peak RSS MB | requests | 429s provoked | peak per host | dead found | exit |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
printf -- '- %s\n' "${notes[@]}"
echo
echo "details: $out/ (time-*.txt, stats-*.json, stdout-*.txt)"
