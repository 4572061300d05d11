#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 (ASan + UBSan) in build-fuzz/ and
# runs them. Usage:
#   scripts/fuzz.sh SECONDS [TARGET...]   fuzz each target (default: all) for SECONDS
#   scripts/fuzz.sh --ci [TARGET...]      the CI run: a fixed amount of work, about 30 s per target
#   scripts/fuzz.sh --replay [TARGET...]  run the committed seeds and regression inputs once
# Seeds: tests/fuzz/seeds/<target>/, tests/fuzz/regressions/<target>/ and the test fixtures,
# assembled into build-fuzz/corpus/<target>/ (kept between runs, so coverage accumulates).
# --ci starts from those seeds alone (build-fuzz/ci-corpus/, made anew) with a fixed random
# seed and a fixed number of executions per target, so a slow CI machine does the same amount
# of fuzzing as ours rather than less. It is not bit-for-bit reproducible: libFuzzer's runs
# still drift apart with timing (measured: the same command, idle or under load, with or
# without ASLR, ends with slightly different coverage). Long runs with SECONDS find the rest.
# Crashes, timeouts, leaks and out-of-memory inputs land in build-fuzz/artifacts/<target>/;
# the script then exits 1, naming each file and the command that reproduces it.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: scripts/fuzz.sh SECONDS [TARGET...] | --ci [TARGET...] | --replay [TARGET...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
mode=fuzz
seconds=0
if [ "$1" = --replay ]; then
    mode=replay
elif [ "$1" = --ci ]; then
    mode=ci
elif [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; then
    seconds=$1
else
    usage
fi
shift

# time: /usr/bin/time measures each run's CPU seconds.
bash scripts/setup.sh clang-14 libclang-rt-14-dev time
build=build-fuzz
echo "== build $build (clang-14, libFuzzer + ASan + UBSan, warnings are errors)"
# -O2 -g without NDEBUG: the asserts in Result<T> stay on while fuzzing.
CXX=clang++-14 bash scripts/build.sh "$build" -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g" -DAH_FUZZ=ON -DAH_WERROR=ON -DAH_BUILD_TESTS=OFF

all_targets=()
for f in tests/fuzz/*.cpp; do all_targets+=("$(basename "$f" .cpp)"); done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    [ -x "$build/ah_fuzz_$t" ] || { echo "fuzz: no target '$t' (have: ${all_targets[*]})" >&2; exit 2; }
done

# Per target: the executions of a --ci run, about 30 s each on the project machine (2 cores;
# a fresh corpus), from the execution speeds measured there.
ci_runs() {
    case $1 in
        extract) echo 10000 ;;
        html_escape | markdown_escape) echo 20000 ;;
        config) echo 120000 ;;
        github_graphql) echo 250000 ;;
        arxiv_atom | diff_reader | snapshot) echo 350000 ;;
        hub_wayback) echo 1000000 ;;
        url) echo 1500000 ;;
        http_headers) echo 2500000 ;;
        github_rest) echo 3000000 ;;
        *) echo 100000 ;;
    esac
}

# Per target: the longest input worth generating, and the dictionary.
max_len() {
    case $1 in
        extract) echo 16384 ;;
        snapshot) echo 16384 ;;
        diff_reader | arxiv_atom | github_graphql) echo 8192 ;;
        config | github_rest | hub_wayback | html_escape | markdown_escape) echo 4096 ;;
        url) echo 1024 ;;
        http_headers) echo 512 ;;
        *) echo 4096 ;;
    esac
}
dict_of() {
    case $1 in
        extract) echo tests/fuzz/dict/markdown.dict ;;
        config) echo tests/fuzz/dict/toml.dict ;;
        snapshot | diff_reader | github_graphql | github_rest | hub_wayback) echo tests/fuzz/dict/json.dict ;;
        arxiv_atom) echo tests/fuzz/dict/atom.dict ;;
        http_headers) echo tests/fuzz/dict/headers.dict ;;
        url | html_escape | markdown_escape) echo tests/fuzz/dict/url.dict ;;
    esac
}

# Copies `file` into the corpus, with a first line of parameters when the target wants one.
seed() {  # seed TARGET FILE [FIRST_LINE]
    local out="$corpus_root/$1/fixture-$(basename "$2")"
    if [ $# -ge 3 ]; then { printf '%s\n' "$3"; cat "$2"; } >"$out"; else cp "$2" "$out"; fi
}
assemble_corpus() {
    local t=$1 f
    mkdir -p "$corpus_root/$t"
    for d in tests/fuzz/seeds/$t tests/fuzz/regressions/$t; do
        if [ -d "$d" ]; then find "$d" -maxdepth 1 -type f -exec cp {} "$corpus_root/$t/" \;; fi
    done
    case $t in
        extract)
            for f in tests/fixtures/awesome-rsfm-README.md tests/fixtures/golden/diff.md README.md \
                     tests/README.md reports/README.md bench/README.md; do seed "$t" "$f"; done ;;
        config) for f in config.toml data/venues.toml bench/check-bench.toml; do seed "$t" "$f"; done ;;
        diff_reader) seed "$t" tests/fixtures/golden/diff.json ;;
        arxiv_atom)
            for f in tests/fixtures/arxiv/*; do
                seed "$t" "$f" "$(grep -oE '[0-9]{4}\.[0-9]{4,5}|[a-z-]+(\.[A-Z]{2})?/[0-9]{7}' "$f" | sort -u | head -20 | tr '\n' ' ')"
            done ;;
        github_graphql)
            for f in tests/fixtures/github/graphql_*.json; do
                seed "$t" "$f" "microsoft/torchgeo old-owner/old-name sustainlab-group/SatMAE missing/repo"
            done ;;
        github_rest) for f in tests/fixtures/github/rest_*.json; do seed "$t" "$f" "microsoft/torchgeo"; done ;;
        hub_wayback)
            for f in tests/fixtures/huggingface/*.json tests/fixtures/wayback/*.json; do
                seed "$t" "$f" "ibm-nasa-geospatial/Prithvi-100M"
            done ;;
        url) grep -oE 'https?://[^ )>"]+' tests/fixtures/awesome-rsfm-README.md | sort -u | head -300 |
                 while read -r u; do printf '%s' "$u" >"$corpus_root/$t/fixture-$(printf '%s' "$u" | sha1sum | cut -c1-12)"; done ;;
    esac
}

# Replay: the committed inputs once through the fuzz binaries (files, so nothing is written).
if [ "$mode" = replay ]; then
    for t in "${targets[@]}"; do
        files=()
        for d in tests/fuzz/seeds/$t tests/fuzz/regressions/$t; do
            if [ -d "$d" ]; then
                while IFS= read -r f; do files+=("$f"); done < <(find "$d" -maxdepth 1 -type f | sort)
            fi
        done
        if [ ${#files[@]} -eq 0 ]; then echo "$t: nothing to replay"; continue; fi
        "$build/ah_fuzz_$t" "${files[@]}" >"$build/replay-$t.log" 2>&1 ||
            { echo "$t: FAILED replaying committed inputs; see $build/replay-$t.log" >&2; exit 1; }
        echo "$t: ${#files[@]} inputs replayed, no crash"
    done
    exit 0
fi

corpus_root=$build/corpus
if [ "$mode" = ci ]; then corpus_root=$build/ci-seeds; fi
mkdir -p "$build/logs"
failed=0
printf '%-16s %12s %9s %7s %7s %7s %8s  %s\n' target runs execs/s cov ft corpus cpu_s result
for t in "${targets[@]}"; do
    if [ "$mode" = ci ]; then rm -rf "${corpus_root:?}/$t" "$build/ci-corpus/$t"; fi
    assemble_corpus "$t"
    artifacts="$build/artifacts/$t"
    mkdir -p "$artifacts"
    before=$(find "$artifacts" -type f | sort)
    log="$build/logs/$t.log"
    corpus=$corpus_root/$t
    if [ "$mode" = ci ]; then
        # The seeds go in by name, in sorted order (libFuzzer sorts them by size only, and a
        # directory's order differs between file systems); new inputs go to an empty
        # directory, never read back (-reload=0: nothing else writes to it). The time bound
        # only stops a machine far slower than ours: the runs decide.
        seeds=$(find "$corpus_root/$t" -maxdepth 1 -type f | LC_ALL=C sort | paste -sd,)
        corpus=$build/ci-corpus/$t
        mkdir -p "$corpus"
        args=(-seed=1 -runs="$(ci_runs "$t")" -reload=0 -max_total_time=300 -seed_inputs="$seeds")
    else
        args=(-max_total_time="$seconds")
    fi
    args+=(-timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")"
          -artifact_prefix="$artifacts/" -print_final_stats=1)
    if [ -n "$(dict_of "$t")" ]; then args+=(-dict="$(dict_of "$t")"); fi
    # One core, politely: two other builds may share the machine.
    status=0
    /usr/bin/time -f '%U %S' -o "$build/logs/$t.time" \
        nice -n 10 "$build/ah_fuzz_$t" "${args[@]}" "$corpus" >"$log" 2>&1 || status=$?
    runs=$(sed -nE 's/^stat::number_of_executed_units: +([0-9]+)/\1/p' "$log" | tail -1)
    speed=$(sed -nE 's/^stat::average_exec_per_sec: +([0-9]+)/\1/p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
    # time(1) writes "Command exited with non-zero status N" first when the fuzzer failed.
    cpu=$(tail -1 "$build/logs/$t.time" | awk '{printf "%.0f", $1 + $2}')
    # New files, and the one libFuzzer names (an old name when a corpus input crashes again).
    new=$( { comm -13 <(echo "$before") <(find "$artifacts" -type f | sort)
             sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log"; } | grep -E '/(crash|timeout|oom|leak)-' | sort -u || true)
    result=ok
    if [ -n "$new" ] || [ "$status" -ne 0 ]; then result="FAILED (exit $status, log $log)"; failed=1; fi
    printf '%-16s %12s %9s %7s %7s %7s %8s  %s\n' "$t" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" \
        "${corp:-?}" "$cpu" "$result"
    if [ "$result" != ok ]; then
        # What went wrong, so a CI log alone is enough to file and reproduce it.
        grep -E '^(fuzz property violated|==[0-9]+== *ERROR|SUMMARY:|[^ ]*: runtime error:)' "$log" | head -5 |
            sed 's/^/  cause: /' || true
    fi
    for a in $new; do
        echo "  artifact: $a"
        echo "  reproduce: $build/ah_fuzz_$t $a   (or, with g++: build/ah_fuzz_replay $t $a)"
        if [ "$(stat -c %s "$a")" -le 16384 ]; then
            echo "  the input, base64 (save it with: base64 -d > tests/fuzz/regressions/$t/NAME):"
            base64 -w 100 "$a" | sed 's/^/    /'
        fi
    done
done
exit $failed
