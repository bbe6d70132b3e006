#!/usr/bin/env bash
# checksrc.sh: the style rules a script can check (guide rule 10, after curl's
# checksrc.pl). Each finding is printed as `file:line: NAME: text`; after the
# findings of a family comes one TAP line for it, so scripts/run-tests.sh
# counts one test per family. Exit status 1 when anything was found.
#
#   BANNED    functions with a bounded or safer replacement (sprintf, strcpy,
#             strtok, atoi, system, ...)
#   RAWALLOC  malloc/calloc/realloc/free/strdup outside src/core/mem.c
#   LAYER     the walls of rule 5: libmicrohttpd only in src/core/server.c,
#             jansson only in src/core/json.c, libxml2 only in src/core/xml.c,
#             sqlite3.h only in src/store/; no service name in src/core/ code
#             or strings (comments may name services)
#   LONGLINE  lines over 100 columns
#   TODO      TODO/FIXME/XXX without an issue number: write TODO(#12)
#   FORMAT    clang-format --dry-run -Werror with .clang-format (make format)
#
# BANNED and RAWALLOC look at code only (comments and string contents are
# blanked first). A line may opt out of one check with a comment naming it,
# `/* checksrc:allow NAME because ... */`, and a whole file with
# `/* checksrc:allow-file NAME because ... */`; use them rarely and say why.
#
# Usage: scripts/checksrc.sh [FILE|DIR ...]   (default: src/, without src/gen/)
set -u
cd "$(dirname "$0")/.." || exit 2

families=(BANNED RAWALLOC LAYER LONGLINE TODO FORMAT)

files=()
collect() {
    local f
    while IFS= read -r f; do
        case "$f" in src/gen/*) continue ;; esac
        files+=("$f")
    done < <(find "$@" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
}
if [ $# -gt 0 ]; then
    collect "$@"
else
    collect src
fi

findings=$(mktemp)
trap 'rm -f "$findings"' EXIT

# One pass of awk over every file for all checks but FORMAT. It prints
# "NAME<TAB>file:line: NAME: text" for each finding.
if [ ${#files[@]} -gt 0 ]; then
    awk '
    # Findings of a file are kept until its end, since a file-wide opt-out
    # may come after them.
    function report(name, msg) {
        if (raw ~ ("checksrc:allow " name))
            return
        nfound++
        fname[nfound] = name
        ftext[nfound] = sprintf("%s\t%s:%d: %s: %s", name, FILENAME, FNR, name, msg)
    }
    function flush(    i) {
        for (i = 1; i <= nfound; i++)
            if (!(fname[i] in fileallow))
                print ftext[i]
        nfound = 0
        for (i in fileallow)
            delete fileallow[i]
    }
    # Splits the current line into code (comments removed, strings kept) and
    # bare (strings and character literals blanked too). Tracks block
    # comments across lines in incomment.
    function strip(line,    i, n, c, d, q) {
        code = ""; bare = ""; n = length(line); i = 1
        while (i <= n) {
            c = substr(line, i, 1); d = substr(line, i, 2)
            if (incomment) {
                if (d == "*/") { incomment = 0; i += 2; code = code "  "; bare = bare "  "; continue }
                code = code " "; bare = bare " "; i++; continue
            }
            if (d == "/*") { incomment = 1; i += 2; code = code "  "; bare = bare "  "; continue }
            if (d == "//") break
            if (c == "\"" || c == "\047") {
                q = c; code = code c; bare = bare c; i++
                while (i <= n) {
                    c = substr(line, i, 1)
                    if (c == "\\") { code = code substr(line, i, 2); bare = bare "  "; i += 2; continue }
                    code = code c
                    if (c == q) { bare = bare c; i++; break }
                    bare = bare " "; i++
                }
                continue
            }
            code = code c; bare = bare c; i++
        }
    }
    FNR == 1 { flush(); incomment = 0; core = (FILENAME ~ /^src\/core\//) }
    END { flush() }
    {
        raw = $0
        if (match(raw, /checksrc:allow-file [A-Z]+/))
            fileallow[substr(raw, RSTART + 20, RLENGTH - 20)] = 1
        strip(raw)

        # BANNED
        if (match(bare, /(^|[^A-Za-z0-9_.>])(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|atoi|atol|atoll|atof|gets|system|popen|tmpnam|mktemp)[ \t]*\(/)) {
            f = substr(bare, RSTART, RLENGTH); sub(/^[^A-Za-z0-9_]/, "", f); sub(/[ \t]*\($/, "", f)
            report("BANNED", f "() is banned: use the bounded or checked alternative")
        }

        # RAWALLOC
        if (FILENAME != "src/core/mem.c" && match(bare, /(^|[^A-Za-z0-9_.>])(malloc|calloc|realloc|reallocarray|free|strdup|strndup|aligned_alloc|posix_memalign|asprintf|vasprintf)[ \t]*\(/)) {
            f = substr(bare, RSTART, RLENGTH); sub(/^[^A-Za-z0-9_]/, "", f); sub(/[ \t]*\($/, "", f)
            report("RAWALLOC", f "() outside src/core/mem.c: use nb_" f "() or the call arena")
        }

        # LAYER: includes of the wrapped libraries
        if (code ~ /^[ \t]*#[ \t]*include[ \t]*[<"]microhttpd\.h[>"]/ && FILENAME != "src/core/server.c")
            report("LAYER", "microhttpd.h is included only by src/core/server.c")
        if (code ~ /^[ \t]*#[ \t]*include[ \t]*[<"]jansson\.h[>"]/ && FILENAME != "src/core/json.c")
            report("LAYER", "jansson.h is included only by src/core/json.c")
        if (code ~ /^[ \t]*#[ \t]*include[ \t]*[<"]libxml\// && FILENAME != "src/core/xml.c")
            report("LAYER", "libxml2 is included only by src/core/xml.c")
        if (code ~ /^[ \t]*#[ \t]*include[ \t]*[<"]sqlite3\.h[>"]/ && FILENAME !~ /^src\/store\//)
            report("LAYER", "sqlite3.h is included only under src/store/")

        # LAYER: no service names in core code or strings
        if (core) {
            low = tolower(code)
            if (match(low, /(^|[^a-z0-9])(sts|sqs|sns|s3|s3control|dynamodb|dynamodbstreams|ddb|lambda|iam|kinesis|cloudformation|cfn|stepfunctions|sfn|apigateway|apigw|ssm|secretsmanager|kms|ecr|ecs|eventbridge|cloudwatch|route53|ses|firehose)([^a-z0-9]|$)/)) {
                f = substr(low, RSTART, RLENGTH); gsub(/[^a-z0-9]/, "", f)
                report("LAYER", "service name \"" f "\" in src/core/: core knows no service (put it in the service or its nb_service fields)")
            }
        }

        # LONGLINE: columns, counting a UTF-8 sequence as one
        t = raw; gsub(/[\200-\277]/, "", t); gsub(/\t/, "    ", t)
        if (length(t) > 100)
            report("LONGLINE", "line is " length(t) " columns (limit 100)")

        # TODO without an issue number
        t = raw; gsub(/(TODO|FIXME|XXX)\(#[0-9]+\)/, "", t)
        if (t ~ /(^|[^A-Za-z0-9_])(TODO|FIXME|XXX)([^A-Za-z0-9_]|$)/)
            report("TODO", "TODO/FIXME/XXX needs an issue number: TODO(#N)")
    }
    ' "${files[@]}" >"$findings"
fi

# FORMAT: clang-format reports "file:line:col: error: ..." per violation.
format_findings() {
    if ! command -v clang-format >/dev/null 2>&1; then
        printf 'FORMAT\t.clang-format:1: FORMAT: clang-format not found (scripts/install-deps.sh --test)\n'
        return
    fi
    local f out n
    [ -f .clang-format ] || { printf 'FORMAT\t.clang-format:1: FORMAT: .clang-format is missing\n'; return; }
    for f in "${files[@]}"; do
        out=$(clang-format --style=file --dry-run -Werror "$f" 2>&1 >/dev/null) && continue
        n=$(printf '%s\n' "$out" | grep -c ': error: ')
        # One finding per file and line; the first five lines of a file, then
        # a note (not counted) for the rest.
        printf '%s\n' "$out" | grep ': error: ' |
            sed -E 's/^([^:]+):([0-9]+):[0-9]+: error: (.*) \[-Wclang-format-violations\]$/FORMAT\t\1:\2: FORMAT: \3 (make format)/' |
            uniq | awk -v f="$f" '
                NR <= 5 { print; next }
                { more++ }
                END { if (more) printf "FORMAT+\t%s: FORMAT: ... and %d more lines in this file\n", f, more }'
        [ "$n" -eq 0 ] && printf 'FORMAT\t%s:1: FORMAT: clang-format failed: %s\n' "$f" "$(printf '%s' "$out" | head -n 1)"
    done
}
[ ${#files[@]} -gt 0 ] && format_findings >>"$findings"

echo "1..${#families[@]}"
status=0 i=0
for name in "${families[@]}"; do
    i=$((i + 1))
    n=$(grep -c "^$name	" "$findings")
    grep "^$name[+]\{0,1\}	" "$findings" | cut -f 2-
    if [ "$n" -eq 0 ]; then
        echo "ok $i - checksrc $name"
    else
        echo "not ok $i - checksrc $name ($n finding$([ "$n" -eq 1 ] || echo s))"
        status=1
    fi
done
exit $status
