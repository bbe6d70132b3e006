#!/usr/bin/env bash
# install-deps.sh: installs what nimbus needs, and with --test what its tests
# need too. `make run` calls it bare, `make test` with --test. It is
# idempotent and quiet: it asks dpkg what is missing and runs apt-get only
# for that, checks the tools that are not Debian packages here (Node.js 20
# and npm come with the machine; AWS CLI v2 is Debian's awscli), and runs
# `npm ci` in tests/e2e only when node_modules is missing or older than
# package-lock.json. Errors are one line on stderr, exit status 1.
#
# With --bench it also installs the peers that bench/ compares nimbus with
# (dynalite, s3rver: npm, from bench/package-lock.json).
#
# Usage: scripts/install-deps.sh [--test | --bench]
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
    echo "install-deps: $*" >&2
    exit 1
}

test_deps=0
bench_deps=0
case "${1:-}" in
"") ;;
--test) test_deps=1 ;;
--bench)
    test_deps=1
    bench_deps=1
    ;;
*) die "unknown argument '$1' (usage: scripts/install-deps.sh [--test | --bench])" ;;
esac

# Building and running nimbus.
pkgs=(build-essential pkg-config libmicrohttpd-dev libjansson-dev libxml2-dev libsqlite3-dev
    libssl-dev zlib1g-dev)
# Testing: clang and its libFuzzer/sanitizer runtimes, clang-format (lint),
# python3 (make gen-check), AWS CLI v2 and botocore, curl (e2e), wrk (bench).
if [ $test_deps -eq 1 ]; then
    pkgs+=(clang libclang-rt-14-dev clang-format python3 awscli python3-botocore curl wrk)
fi

missing=()
for p in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [ "${status:0:2}" = "ii" ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]}, and there is no apt-get"
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}: run as root or install sudo"
        sudo=(sudo)
    fi
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    export DEBIAN_FRONTEND=noninteractive
    if ! "${sudo[@]}" apt-get update -q >"$log" 2>&1; then
        tail -n 5 "$log" >&2
        die "apt-get update failed"
    fi
    if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1
    then
        tail -n 10 "$log" >&2
        die "apt-get install ${missing[*]} failed"
    fi
fi

[ $test_deps -eq 1 ] || exit 0

# Node.js and npm come with the machine, never from Debian's nodejs package.
command -v node >/dev/null 2>&1 || die "node (Node.js >= 20) is not on PATH; install Node.js 20 or later"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' ||
    die "Node.js >= 20 is needed, found $(node --version)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH (it comes with Node.js)"

# The end-to-end tests call /usr/bin/aws by path: an `aws` earlier on PATH may
# be AWS CLI v1.
[ -x /usr/bin/aws ] || die "/usr/bin/aws is missing (Debian package awscli)"
case "$(/usr/bin/aws --version 2>&1)" in
aws-cli/2.*) ;;
*) die "/usr/bin/aws is not AWS CLI v2: $(/usr/bin/aws --version 2>&1 | head -n 1)" ;;
esac

# npm ci in folder $1 when its node_modules is missing or older than its lock.
npm_ci() {
    (
        cd "$1"
        if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
            log=$(mktemp)
            trap 'rm -f "$log"' EXIT
            if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
                tail -n 10 "$log" >&2
                die "npm ci in $1 failed"
            fi
            touch node_modules
        fi
    )
}

# The SDK tests' packages, from the committed lock file.
npm_ci tests/e2e
[ $bench_deps -eq 0 ] || npm_ci bench
