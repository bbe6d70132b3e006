#!/usr/bin/env bash
# run-tests.sh: every test of nimbus, after `make all asan unit fuzz-build`
# (this is what `make test` runs). In order:
#   lint       scripts/checksrc.sh, one test per check family
#   models     make gen-check (a "skipped:" line counts as a pass, noted)
#   unit       each build/unit/*/test_* and build/asan/unit/*/test_*
#   wire       tests/wire/run.mjs against build/nimbus and build/asan/nimbus
#   e2e        tests/e2e/cli/*.sh and node --test tests/e2e/sdk/, against
#              build/asan/nimbus (NIMBUS in the environment)
#   fuzz       each build/fuzz/fuzz_* for 10 s on a copy of its corpus
# Each suite prints TAP as it runs; this script counts the leaf "ok" and
# "not ok" lines. A suite that exits non-zero, dies, stops short of its plan
# or prints a sanitizer report without reporting a failed test counts one
# failure more. The last line is exactly "N passed, N failed"; the exit
# status is 1 when anything failed or nothing ran.
#
# Usage: scripts/run-tests.sh [SUITE ...]   (default: all, in the order above)
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
SANITIZER_RE='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|UndefinedBehaviorSanitizer|ThreadSanitizer'
FUZZ_SECONDS=10
LOGS=build/test-logs
mkdir -p "$LOGS"

passed=0
failed=0
failures=()

# Counts a TAP stream (a file): leaf tests only, since node's runner nests
# subtests four spaces deeper and reports each parent after its children; a
# parent that failed with no failing child (a hook) counts as one failure.
# YAML diagnostic blocks are skipped; "# SKIP" and "# TODO" count as passed.
# Prints "passed failed plan ran" on the first line, then failing names.
TAP_AWK='
function indent(s) { match(s, /^ */); return RLENGTH }
{
    line = $0
    if (inyaml) { if (line ~ /^ *\.\.\.[ \t]*$/) inyaml = 0; next }
    if (line ~ /^  +---[ \t]*$/) { inyaml = 1; next }
    d = int(indent(line) / 4)
    if (d == 0 && line ~ /^1\.\.[0-9]+/) { plan = substr(line, 4) + 0; next }
    if (line !~ /^ *(not )?ok([ \t]|$)/) next
    bad = (line ~ /^ *not ok/)
    if (line ~ /#[ \t]*([Ss][Kk][Ii][Pp]|[Tt][Oo][Dd][Oo])([^A-Za-z]|$)/) bad = 0
    if (d == 0) top++
    if (kids[d + 1]) {
        sub_fail = kfail[d + 1]
        if (bad && sub_fail == 0) { f++; sub_fail = 1; names[f] = line }
        kids[d + 1] = 0; kfail[d + 1] = 0
    } else {
        if (bad) { f++; names[f] = line } else p++
        sub_fail = bad
    }
    kids[d] = 1; kfail[d] += sub_fail
}
END {
    printf "%d %d %d %d\n", p, f, (plan == "" ? -1 : plan), top
    for (i = 1; i <= f; i++) print names[i]
} '

# add_result OK NAME: one test line written by this script.
add_result() {
    if [ "$1" -eq 1 ]; then
        passed=$((passed + 1))
        echo "ok - $2"
    else
        failed=$((failed + 1))
        failures+=("$2")
        echo "not ok - $2"
    fi
}

# run_suite NAME TIMEOUT CMD...: runs CMD (output shown as it comes and kept
# in build/test-logs), then counts it.
run_suite() {
    local name=$1 limit=$2
    shift 2
    local log
    log="$LOGS/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').log"
    echo "# $name"
    timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    count_log "$name" "$log" "$rc" "$limit"
}

count_log() {
    local name=$1 log=$2 rc=$3 limit=$4
    local counts p f plan top
    counts=$(awk "$TAP_AWK" "$log")
    read -r p f plan top <<<"$(printf '%s\n' "$counts" | head -n 1)"
    passed=$((passed + p))
    failed=$((failed + f))
    local l
    while IFS= read -r l; do
        [ -n "$l" ] && failures+=("$name: $(printf '%s' "$l" | sed -E 's/^ *not ok *[0-9]* *-? *//')")
    done < <(printf '%s\n' "$counts" | tail -n +2)
    [ "$f" -gt 0 ] && return
    local why=""
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        why="timed out after $limit s"
    elif [ "$rc" -ne 0 ]; then
        why="exited with status $rc"
    elif grep -Eq "$SANITIZER_RE" "$log"; then
        why="printed a sanitizer report"
    elif [ "$plan" -ge 0 ] && [ "$plan" -ne "$top" ]; then
        why="planned $plan tests but ran $top"
    fi
    [ -n "$why" ] && add_result 0 "$name $why (log: $log)"
}

suite_lint() {
    run_suite "lint: scripts/checksrc.sh" 300 scripts/checksrc.sh
}

suite_models() {
    echo "# models: make gen-check"
    local log=$LOGS/gen-check.log rc
    timeout 600 "${MAKE:-make}" --no-print-directory -s gen-check >"$log" 2>&1
    rc=$?
    sed 's/^/#   /' "$log"
    if [ $rc -ne 0 ]; then
        add_result 0 "make gen-check (exit status $rc, log: $log)"
    elif grep -q '^skipped:' "$log"; then
        passed=$((passed + 1))
        echo "ok - make gen-check # SKIP $(grep -m1 '^skipped:' "$log" | sed 's/^skipped: *//')"
    else
        add_result 1 "make gen-check: src/gen matches the models"
    fi
}

suite_unit() {
    local t base args
    for t in $(find build/unit build/asan/unit -type f -name 'test_*' -perm -u+x 2>/dev/null |
        LC_ALL=C sort); do
        # tests/unit/<dir>/<test>.args, when present, holds the arguments.
        base=${t#build/asan/unit/}
        base=${base#build/unit/}
        args=()
        if [ -f "tests/unit/$base.args" ]; then
            read -r -a args <"tests/unit/$base.args"
        fi
        run_suite "unit: $t" 300 "$t" "${args[@]}"
    done
}

suite_wire() {
    local bin
    for bin in build/nimbus build/asan/nimbus; do
        run_suite "wire: $bin" 900 node tests/wire/run.mjs "$bin"
    done
}

suite_e2e() {
    local f
    export NIMBUS=$ROOT/build/asan/nimbus
    for f in tests/e2e/cli/*.sh; do
        [ -f "$f" ] || continue
        run_suite "e2e: $f" 900 bash "$f"
    done
    if compgen -G 'tests/e2e/sdk/*.test.mjs' >/dev/null; then
        run_suite "e2e: node --test tests/e2e/sdk/" 1800 \
            node --test --test-reporter=tap tests/e2e/sdk/
    fi
}

suite_fuzz() {
    local bin name corpus log rc dict
    for bin in build/fuzz/fuzz_*; do
        [ -f "$bin" ] && [ -x "$bin" ] || continue
        name=${bin##*/fuzz_}
        corpus=build/fuzz-corpus/$name
        rm -rf "$corpus"
        mkdir -p "$corpus" build/fuzz-artifacts
        [ -d "fuzz/corpus/$name" ] && cp -R "fuzz/corpus/$name/." "$corpus/"
        dict=()
        [ -f "fuzz/$name.dict" ] && dict=("-dict=fuzz/$name.dict")
        log=$LOGS/fuzz_$name.log
        echo "# fuzz: $bin for $FUZZ_SECONDS s"
        timeout --kill-after=10 $((FUZZ_SECONDS + 120)) "$bin" -max_total_time=$FUZZ_SECONDS \
            -artifact_prefix="build/fuzz-artifacts/$name-" "${dict[@]}" "$corpus" >"$log" 2>&1
        rc=$?
        if [ $rc -eq 0 ]; then
            add_result 1 "fuzz_$name: $FUZZ_SECONDS s, $(grep -Eo 'Done [0-9]+ runs' "$log" | tail -n 1 || true)"
        else
            tail -n 40 "$log" | sed 's/^/#   /'
            add_result 0 "fuzz_$name: exit status $rc (log: $log, artifacts: build/fuzz-artifacts/)"
        fi
    done
}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(lint models unit wire e2e fuzz)
for s in "${suites[@]}"; do
    case "$s" in
    lint | models | unit | wire | e2e | fuzz) "suite_$s" ;;
    *)
        echo "run-tests: unknown suite '$s' (lint models unit wire e2e fuzz)" >&2
        add_result 0 "unknown suite $s"
        ;;
    esac
done

if [ ${#failures[@]} -gt 0 ]; then
    echo "# failed:"
    for f in "${failures[@]}"; do echo "#   $f"; done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ $((passed + failed)) -gt 0 ]
