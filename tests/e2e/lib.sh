# tests/e2e/lib.sh: sourced by every tests/e2e/cli/*.sh. It gives a test
# file TAP helpers, a private nimbus on a free port (nimbus_start; stopped
# on exit, and its exit checked), and `awsv2`, AWS CLI v2 pointed at that
# nimbus with test credentials and no config files. On exit it prints the
# plan and exits 1 if any test failed.
#
# The binary is $NIMBUS (default build/nimbus); scripts/run-tests.sh sets
# NIMBUS=build/asan/nimbus, so a sanitizer report from the server, even one
# printed at shutdown, fails the file.
#
#   nimbus_start                 start nimbus; sets PORT, ENDPOINT, NIMBUS_PID
#   awsv2 ARGS...                /usr/bin/aws --endpoint-url $ENDPOINT ...
#   run CMD...                   run CMD: stdout in OUT, stderr in ERR, status in RC
#   ok NAME / not_ok NAME [DIAG...] / diag TEXT
#   is NAME GOT WANT             string equality
#   like NAME GOT ERE            extended regular expression match
#   run_ok NAME CMD...           run CMD, pass when it exits 0
#   aws_ok NAME ARGS...          run_ok NAME awsv2 ARGS...
#   aws_error NAME CODE MESSAGE ARGS...
#                                awsv2 ARGS must fail with AWS error CODE and
#                                exactly MESSAGE ("" skips the message check)
#   jget PATH [JSON]             a member of JSON (default $OUT): jget Credentials.AccessKeyId
#   free_port                    print a free TCP port on 127.0.0.1

set -u

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NIMBUS=${NIMBUS:-$E2E_ROOT/build/nimbus}
case "$NIMBUS" in
/*) ;;
*) NIMBUS=$PWD/$NIMBUS ;;
esac
AWS=/usr/bin/aws
SANITIZER_RE='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|UndefinedBehaviorSanitizer|ThreadSanitizer'

# Test credentials and no configuration from the machine.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL \
    AWS_REGION AWS_DEFAULT_REGION AWS_CA_BUNDLE AWS_DEFAULT_OUTPUT AWS_CLI_AUTO_PROMPT
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
export AWS_EC2_METADATA_DISABLED=true

E2E_TMP=$(mktemp -d)
t_n=0
t_failed=0
NIMBUS_PID=""
PORT=""
ENDPOINT=""
OUT="" ERR="" RC=0
E2E_CLEANUP=() # commands run at exit, before nimbus stops

diag() {
    printf '%s\n' "$*" | sed 's/^/#   /'
}

ok() {
    t_n=$((t_n + 1))
    echo "ok $t_n - $1"
}

not_ok() {
    t_n=$((t_n + 1))
    t_failed=$((t_failed + 1))
    echo "not ok $t_n - $1"
    shift
    local d
    for d in "$@"; do diag "$d"; done
}

run() {
    local o=$E2E_TMP/out e=$E2E_TMP/err
    "$@" >"$o" 2>"$e"
    RC=$?
    OUT=$(cat "$o")
    ERR=$(cat "$e")
    return 0
}

is() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}

like() {
    if [[ $2 =~ $3 ]]; then ok "$1"; else not_ok "$1" "got:  $2" "want: /$3/"; fi
}

run_ok() {
    local name=$1
    shift
    run "$@"
    if [ "$RC" -eq 0 ]; then
        ok "$name"
    else
        not_ok "$name" "command: $*" "exit status $RC" "stderr: $ERR" "stdout: $OUT"
    fi
}

awsv2() {
    "$AWS" --endpoint-url "$ENDPOINT" --region us-east-1 --output json "$@"
}

aws_ok() {
    local name=$1
    shift
    run_ok "$name" awsv2 "$@"
}

# The CLI prints "An error occurred (CODE) when calling the OP operation:
# MESSAGE" and exits 254 for an error the service returned.
aws_error() {
    local name=$1 code=$2 msg=$3
    shift 3
    run awsv2 "$@"
    local want="An error occurred ($code) when calling the "
    if [ "$RC" -ne 254 ]; then
        not_ok "$name" "command: aws $*" "exit status $RC, want 254 (service error)" "stderr: $ERR"
    elif [[ $ERR != *"$want"* ]]; then
        not_ok "$name" "stderr: $ERR" "want: $want..."
    elif [ -n "$msg" ] && [[ $ERR != *" operation: $msg" ]]; then
        not_ok "$name" "got:  ${ERR#*operation: }" "want: $msg"
    else
        ok "$name"
    fi
}

jget() {
    printf '%s' "${2-$OUT}" | node -e '
        let v;
        try { v = JSON.parse(require("fs").readFileSync(0, "utf8")); } catch { process.exit(1); }
        for (const k of process.argv[1].split(".").filter(Boolean)) v = v == null ? undefined : v[k];
        if (v === undefined || v === null) process.exit(1);
        process.stdout.write(typeof v === "object" ? JSON.stringify(v) : String(v));
    ' "$1"
}

free_port() {
    node -e '
        const s = require("net").createServer();
        s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
    '
}

# Starts $NIMBUS on a free port and waits (5 s at most) for its health
# endpoint. A nimbus that does not come up ends the file.
nimbus_start() {
    PORT=$(free_port)
    ENDPOINT=http://127.0.0.1:$PORT
    NIMBUS_LOG=$E2E_TMP/nimbus.log
    "$NIMBUS" start --port "$PORT" --log-level warn >"$NIMBUS_LOG" 2>&1 &
    NIMBUS_PID=$!
    local i
    for i in $(seq 50); do
        if curl -sf -o /dev/null --max-time 1 "$ENDPOINT/_nimbus/health"; then
            return 0
        fi
        kill -0 "$NIMBUS_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$NIMBUS_PID" 2>/dev/null
    wait "$NIMBUS_PID" 2>/dev/null
    NIMBUS_PID=""
    not_ok "nimbus starts and answers $ENDPOINT/_nimbus/health within 5 s" \
        "binary: $NIMBUS" "output: $(head -c 4000 "$NIMBUS_LOG")"
    exit 1
}

# Stops the nimbus of nimbus_start with SIGTERM and reports, as one test,
# whether it exited 0 within 10 s with no sanitizer report.
nimbus_stop() {
    [ -n "$NIMBUS_PID" ] || return 0
    local pid=$NIMBUS_PID rc i
    NIMBUS_PID=""
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        not_ok "nimbus exits within 10 s of SIGTERM" "output: $(tail -c 4000 "$NIMBUS_LOG")"
        return
    fi
    wait "$pid" 2>/dev/null
    rc=$?
    if [ "$rc" -ne 0 ]; then
        not_ok "nimbus exits 0 on SIGTERM" "exit status $rc" "output: $(tail -c 6000 "$NIMBUS_LOG")"
    elif grep -Eq "$SANITIZER_RE" "$NIMBUS_LOG"; then
        not_ok "nimbus exits 0 on SIGTERM with no sanitizer report" \
            "output: $(tail -c 6000 "$NIMBUS_LOG")"
    else
        ok "nimbus exits 0 on SIGTERM with no sanitizer report"
    fi
}

e2e_finish() {
    local rc=$? c
    for c in "${E2E_CLEANUP[@]}"; do eval "$c" >/dev/null 2>&1; done
    nimbus_stop
    rm -rf "$E2E_TMP"
    echo "1..$t_n"
    if [ "$t_failed" -gt 0 ] || [ "$t_n" -eq 0 ] || [ "$rc" -ne 0 ]; then
        exit 1
    fi
    exit 0
}
trap e2e_finish EXIT

if [ ! -x "$AWS" ] || [[ $("$AWS" --version 2>&1) != aws-cli/2.* ]]; then
    not_ok "/usr/bin/aws is AWS CLI v2" "$("$AWS" --version 2>&1)"
    exit 1
fi
