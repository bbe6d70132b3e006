#!/usr/bin/env bash
# fuzz.sh SECONDS: runs each fuzz target (build/fuzz/fuzz_*, from make
# fuzz-build) for SECONDS on a copy of its corpus, fuzz/corpus/<name>/ ->
# build/fuzz-corpus/<name>/, with fuzz/<name>.dict when there is one. New
# inputs stay in the copy: to keep a good one, add it to fuzz/corpus/<name>/
# (libFuzzer's -merge=1 keeps the set small). Crashes are written to
# build/fuzz-artifacts/. `make fuzz-long` runs this for 300 s; the short
# runs in `make test` are in scripts/run-tests.sh.
#
# Usage: scripts/fuzz.sh SECONDS [TARGET ...]   (TARGET: json, or fuzz_json)
set -u
cd "$(dirname "$0")/.." || exit 1

secs=${1:-}
case "$secs" in
'' | *[!0-9]*)
    echo "usage: scripts/fuzz.sh SECONDS [TARGET ...]" >&2
    exit 2
    ;;
esac
shift

targets=()
if [ $# -gt 0 ]; then
    for t in "$@"; do targets+=("build/fuzz/fuzz_${t#fuzz_}"); done
else
    for t in build/fuzz/fuzz_*; do
        [ -f "$t" ] && [ -x "$t" ] && targets+=("$t")
    done
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no targets in build/fuzz/ (make fuzz-build)" >&2
    exit 1
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p build/fuzz-artifacts build/test-logs
failed=0
for bin in "${targets[@]}"; do
    name=${bin##*/fuzz_}
    if [ ! -x "$bin" ]; then
        echo "fuzz_$name: no such target ($bin)" >&2
        failed=$((failed + 1))
        continue
    fi
    corpus=build/fuzz-corpus/$name
    rm -rf "$corpus"
    mkdir -p "$corpus"
    [ -d "fuzz/corpus/$name" ] && cp -R "fuzz/corpus/$name/." "$corpus/"
    dict=()
    [ -f "fuzz/$name.dict" ] && dict=("-dict=fuzz/$name.dict")
    log=build/test-logs/fuzz-long_$name.log
    echo "fuzz_$name: $secs s (log: $log)"
    if "$bin" -max_total_time="$secs" -artifact_prefix="build/fuzz-artifacts/$name-" \
        "${dict[@]}" "$corpus" >"$log" 2>&1; then
        echo "fuzz_$name: ok, $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)"
    else
        failed=$((failed + 1))
        tail -n 40 "$log"
        echo "fuzz_$name: FAILED (artifacts in build/fuzz-artifacts/)"
    fi
done
[ $failed -eq 0 ]
