#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# app_payloads.sh - application payloads end to end: a websocket-accept that
# cannot find its key fails the send with a sentence, and an expect against a
# dns-answer fails when the bytes differ or what it answers is not a query.
#   app_payloads.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
data=$src/tests/data/run
mkdir -p "$out"
failures=0
run() {  # run NAME WANT_RC FILE
    (cd "$data" && "$ns" run "$3") > "$out/$1.log" 2>&1
    local rc=$?
    if [ "$rc" -ne "$2" ]; then
        echo "FAIL $1: exit $rc, want $2"; sed 's/^/    /' "$out/$1.log" | tail -15
        failures=$((failures + 1))
    else
        echo "ok   $1"
    fi
}
has() {  # has NAME TEXT
    if grep -qF -- "$2" "$out/$1.log"; then echo "ok   $1 says '$2'"; else
        echo "FAIL $1 does not say '$2'"; failures=$((failures + 1)); fi
}

run nokey 0 app_no_websocket_key.scn
has nokey "=> -1 EINVAL (Invalid argument): cannot send: the request in req has no Sec-WebSocket-Key header [RFC 6455 4.1]"
has nokey "expect bob conn error == EINVAL                    ok"

run wrong 1 app_wrong_answer.scn
has wrong "app_wrong_answer.scn:15: expect failed: expect answer == dns-answer 7 www.example.test A 203.0.113.81"
has wrong "app_wrong_answer.scn:17: expect failed: expect answer == dns-answer to nothing_yet A 203.0.113.80"
has wrong 'got: "\x00\x07\x85\x00'
has wrong "got: nothing to compare with: nothing_yet is not a DNS query: the DNS message ends inside a field"
has wrong "FAILED: 0 expects held, 2 failed"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
