#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# inject_docs.sh - the examples of `inject` and `replay` in
# docs/scenario-language.md parse, in a world that has the hosts they name,
# so the documentation cannot drift from the language.
#   inject_docs.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/inject_docs
rm -rf "$out"; mkdir -p "$out"
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
failures=0
# Captures for the replay examples: any capture netstep wrote will do.
cp "$src/tests/data/good/udp_echo.scn" "$out/"
(cd "$out" && "$ns" run udp_echo.scn --pcap handshake.pcap >/dev/null 2>&1 && cp handshake.pcap attack.pcap) ||
    { echo "FAIL udp_echo.scn did not write a capture"; exit 1; }
python3 - "$src/docs/scenario-language.md" > "$out/examples.txt" <<'PY'
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
for section in ("inject", "replay"):
    m = re.search(r"^### %s\n\n```\n(.*?)```" % section, doc, re.S | re.M)
    assert m, section
    for line in m.group(1).splitlines():
        # the syntax lines name placeholders in capitals; the examples do not
        if re.search(r"\b(A B|END|LAYERS|FILE|HOST)\b", line):
            continue
        print(line)
PY
n=$(wc -l < "$out/examples.txt")
[ "$n" -ge 6 ] && echo "ok   $n examples found" || { echo "FAIL only $n examples found"; failures=$((failures + 1)); }
while IFS= read -r line; do
    cat > "$out/ex.scn" <<SCN
host alice 192.0.2.1/24
host bob 192.0.2.2/24 198.51.100.2/24
host mallory 192.0.2.66/24
router r1 198.51.100.1/24
switch sw1
link alice bob:eth0
link r1 bob:eth1
link mallory sw1
$line
SCN
    if msg=$(cd "$out" && "$ns" check ex.scn 2>&1); then
        echo "ok   $line"
    else
        echo "FAIL $line"; echo "$msg" | sed 's/^/    /'; failures=$((failures + 1))
    fi
done < "$out/examples.txt"
echo "$failures failed"
[ "$failures" -eq 0 ]
