#!/usr/bin/env bash
# The nimbus command line: --help, --version, usage errors, `run`, the
# detached server (start -d, wait, status, stop), the reset endpoint and the
# health endpoints (LocalStack's format on /_localstack/health).
. "$(dirname "$0")/../lib.sh"

# Every nimbus command here is bounded, so a command that hangs fails
# instead of stalling the suite.
nb() {
    timeout 20 "$NIMBUS" "$@"
}

# --- --help and --version

run nb --help
is "--help exits 0" "$RC" 0
missing=""
for cmd in start stop status wait run; do
    [[ $OUT =~ (^|[^a-z])$cmd([^a-z]|$) ]] || missing="$missing $cmd"
done
is "--help names every command (start stop status wait run)" "${missing:-none missing}" \
    "none missing"

run nb --version
is "--version exits 0" "$RC" 0
like "--version prints one line: nimbus and a version number" "$OUT" \
    '^nimbus [0-9]+\.[0-9]+(\.[0-9]+)?([-+][^[:space:]]*)?$'

# --- usage errors: exit status 2 and one line on stderr, nothing on stdout

usage_error() {
    local what=$1
    shift
    run nb "$@"
    local lines
    lines=$(printf '%s' "$ERR" | grep -c '')
    if [ "$RC" -eq 2 ] && [ "$lines" -eq 1 ] && [ -z "$OUT" ]; then
        ok "$what: exit 2, one line on stderr"
    else
        not_ok "$what: exit 2, one line on stderr" "command: nimbus $*" "exit status $RC" \
            "stderr ($lines lines): $ERR" "stdout: $OUT"
    fi
}
usage_error "an unknown flag" --no-such-flag
usage_error "an unknown command" frobnicate
usage_error "an unknown flag of start" start --no-such-flag
usage_error "start --port without a value" start --port
usage_error "start --port with a bad value" start --port not-a-port

# --- nimbus run: a private instance for one command

# Inside, the endpoint and credentials come from nimbus; CLI 2.9.19 does not
# read AWS_ENDPOINT_URL, so the command passes it on.
run nb run --port 0 -- sh -c \
    '/usr/bin/aws --endpoint-url "$AWS_ENDPOINT_URL" --region us-east-1 --output json sts get-caller-identity'
is "run: aws sts get-caller-identity inside exits 0" "$RC" 0
is "run: the command talks to nimbus (account 000000000000)" "$(jget Account)" 000000000000

run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$NIMBUS" run --port 0 -- sh -c \
    'echo "$AWS_ENDPOINT_URL|${AWS_ACCESS_KEY_ID:-}|${AWS_SECRET_ACCESS_KEY:-}|${AWS_DEFAULT_REGION:-}${AWS_REGION:-}"'
IFS='|' read -r RUN_URL RUN_KEY RUN_SECRET RUN_REGION <<<"$OUT"
like "run: AWS_ENDPOINT_URL is the private instance" "$RUN_URL" '^http://127\.0\.0\.1:[0-9]+$'
like "run: credentials are set" "$RUN_KEY|$RUN_SECRET" '^[^|]+\|[^|]+$'
like "run: a region is set" "$RUN_REGION" '^[a-z0-9-]+$'
if [ -n "$RUN_URL" ] && curl -s -o /dev/null --max-time 2 "$RUN_URL/_nimbus/health"; then
    not_ok "run: the private instance is gone when run returns" "$RUN_URL still answers"
else
    ok "run: the private instance is gone when run returns"
fi

run nb run --port 0 -- sh -c 'exit 7'
is "run: exits with the command's status" "$RC" 7

# --- start -d, wait, status, stop

DPORT=$(free_port)
E2E_CLEANUP+=("timeout 20 \"\$NIMBUS\" stop --port $DPORT")
run nb start -d --port "$DPORT" --log-level warn
is "start -d returns 0 once the server runs in the background" "$RC" 0
run_ok "wait: returns 0 when the server is ready" nb wait --port "$DPORT"
run_ok "status: exits 0 while the server runs" nb status --port "$DPORT"
run curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$DPORT/_nimbus/health"
is "the detached server answers health" "$OUT" 200
run_ok "stop: exits 0" nb stop --port "$DPORT"
gone=0
for i in $(seq 50); do
    if ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$DPORT/_nimbus/health"; then
        gone=1
        break
    fi
    sleep 0.1
done
is "stop: the server no longer answers" "$gone" 1
run nb status --port "$DPORT"
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ]; then
    ok "status: exits non-zero when no server runs"
else
    not_ok "status: exits non-zero when no server runs" "exit status $RC"
fi

# --- health and reset on a private instance

nimbus_start

run curl -s -w '\n%{http_code}' --max-time 5 "$ENDPOINT/_nimbus/health"
is "GET /_nimbus/health is 200" "${OUT##*$'\n'}" 200
if jget "" "${OUT%$'\n'*}" >/dev/null; then
    ok "GET /_nimbus/health is JSON"
else
    not_ok "GET /_nimbus/health is JSON" "body: ${OUT%$'\n'*}"
fi

run curl -s -w '\n%{http_code}' --max-time 5 "$ENDPOINT/_localstack/health"
HEALTH=${OUT%$'\n'*}
is "GET /_localstack/health is 200" "${OUT##*$'\n'}" 200
is "LocalStack health: services.sts is running" "$(jget services.sts "$HEALTH")" running
is "LocalStack health: edition is community" "$(jget edition "$HEALTH")" community
like "LocalStack health: version is set" "$(jget version "$HEALTH")" '^.+$'

aws_ok "an STS call before reset" sts assume-role --role-arn arn:aws:iam::000000000000:role/r \
    --role-session-name before
run curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$ENDPOINT/_nimbus/reset"
is "POST /_nimbus/reset is 200" "$OUT" 200
aws_ok "nimbus serves calls after reset" sts get-caller-identity
is "after reset: default account" "$(jget Account)" 000000000000
