#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""conformance.py - run the FreeBSD tcp-testsuite's IPv4 and IPv6 scripts
against netstep and write docs/conformance.md.

usage: conformance.py NETSTEP SUITE_DIR CLASSES_FILE OUT.md

Runs every script of the suite that says --ip_version=ipv4, and apart from
them every IPv6 twin (--ip_version=ipv6 or ipv4-mapped-ipv6), with
`netstep packetdrill`, once with the default personality and once with
`--personality freebsd`, prints per group passed / failed / skipped, and
writes the report. Every script that does not pass with the freebsd
personality is classified by the first rule of CLASSES_FILE
(tests/conformance/classes.txt) whose pattern matches its name and message:
a netstep bug, a choice the RFCs allow that differs from FreeBSD's, or a
feature netstep lacks. The report is generated; the classification lives in
the rules file, never in the report. Exit status 1 when a script that does
not pass matches no rule, or a rule says "bug".
"""
import os
import re
import subprocess
import sys

GROUPS = ["state-event-engine", "snd-syn", "rcv-data-segments", "rcv-icmp",
          "socket-api", "snippets", "tcp-over-udp", "fast-open"]
CLASS_TITLES = {
    "bug": "netstep bugs",
    "choice": "choices the RFCs allow, made differently from FreeBSD",
    "feature": "features netstep lacks",
}


def ipv6_scripts(suite):
    """The IPv6 twins (--ip_version=ipv6, or ipv4-mapped-ipv6)."""
    found = []
    for root, _dirs, files in os.walk(suite):
        for f in files:
            if not f.endswith(".pkt"):
                continue
            path = os.path.join(root, f)
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            if re.search(r"^\s*--ip_version=(ipv6|ipv4-mapped-ipv6)\s*$", text, re.M):
                found.append(os.path.relpath(path, suite))
    return sorted(found)


def ipv4_scripts(suite):
    found = []
    for root, _dirs, files in os.walk(suite):
        for f in files:
            if not f.endswith(".pkt"):
                continue
            path = os.path.join(root, f)
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            if re.search(r"^\s*--ip_version=ipv4\s*$", text, re.M):
                found.append(os.path.relpath(path, suite))
    return sorted(found)


def run_one(netstep, suite, rel, personality, define=None):
    cmd = [netstep, "packetdrill"]
    if personality:
        cmd += ["--personality", personality]
    if define:
        cmd += ["-D", define]
    cmd.append(os.path.join(suite, rel))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=120)
    out = p.stdout + p.stderr
    prefix = os.path.join(suite, rel)
    out = out.replace(prefix, rel)
    if p.returncode == 0:
        verdict = "pass"
    elif p.returncode == 77:
        verdict = "skipped"
    elif p.returncode == 1:
        verdict = "failed"
    else:
        verdict = "error"
    # The message: the lines after the verdict line, without the notes.
    lines = [l for l in out.splitlines()
             if l.strip() and not l.endswith(": pass") and not l.endswith(": FAIL")
             and not l.endswith(": skipped") and ": not modelled: " not in l]
    notes = [l.split(": not modelled: ", 1)[1] for l in out.splitlines()
             if ": not modelled: " in l]
    return verdict, "\n".join(lines), notes


def load_rules(path):
    rules = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            parts = [p for p in parts if p != ""]
            if len(parts) != 3 or parts[0] not in CLASS_TITLES:
                sys.exit("%s:%d: error: want CLASS<TAB>REGEX<TAB>REASON, CLASS one of %s"
                         % (path, n, ", ".join(CLASS_TITLES)))
            try:
                rx = re.compile(parts[1], re.S)
            except re.error as e:
                sys.exit("%s:%d: error: bad pattern: %s" % (path, n, e))
            rules.append((parts[0], rx, parts[2], n))
    return rules


def classify(rules, rel, msg):
    subject = rel + "\n" + msg
    for cls, rx, reason, n in rules:
        if rx.search(subject):
            return cls, reason, n
    return None, None, None


def group_of(rel):
    return rel.split(os.sep, 1)[0]


def md_escape(s):
    return s.replace("|", "\\|")


def run_all(netstep, suite, scripts):
    results = {}
    for personality in ("", "freebsd"):
        for rel in scripts:
            results[(personality, rel)] = run_one(netstep, suite, rel, personality)
    return results


def tabulate(scripts, results):
    """Per group and in all: passed, failed, skipped for each personality."""
    groups = [g for g in GROUPS if any(group_of(r) == g for r in scripts)]
    groups += sorted({group_of(r) for r in scripts} - set(groups))
    table = []
    totals = {"": [0, 0, 0], "freebsd": [0, 0, 0]}
    for g in groups:
        row = [g]
        for personality in ("", "freebsd"):
            c = [0, 0, 0]
            for rel in scripts:
                if group_of(rel) != g:
                    continue
                v = results[(personality, rel)][0]
                c[0 if v == "pass" else 2 if v == "skipped" else 1] += 1
            for i in range(3):
                totals[personality][i] += c[i]
            row += c
        table.append(row)
    return table, totals


def classify_all(netstep, suite, rules, scripts, results):
    """Classify what does not pass with the freebsd personality."""
    classified = {"bug": [], "choice": [], "feature": []}
    unclassified = []
    for rel in scripts:
        v, msg, notes = results[("freebsd", rel)]
        if v == "pass":
            continue
        # A script that writes the RFCs' answer (#ifdef STANDARD) beside
        # FreeBSD's is run again with that branch: passing it is the reason.
        with open(os.path.join(suite, rel), encoding="utf-8", errors="replace") as fh:
            has_standard = re.search(r"^\s*#ifdef\s+STANDARD\b", fh.read(), re.M)
        if has_standard and v == "failed":
            sv = run_one(netstep, suite, rel, "freebsd", "STANDARD")[0]
            msg += "\nwith -D STANDARD, the script's own RFC branch: %s" % sv
            results[("freebsd", rel)] = (v, msg, notes)
        cls, reason, _n = classify(rules, rel, msg)
        if cls is None:
            unclassified.append((rel, v, msg))
        else:
            classified[cls].append((rel, v, reason, msg))
    return classified, unclassified


def md_table(md, table, totals):
    md.append("| group | default: passed | failed | skipped | freebsd: passed | failed | skipped |")
    md.append("|---|---:|---:|---:|---:|---:|---:|")
    for row in table + [["**all**"] + totals[""] + totals["freebsd"]]:
        md.append("| %s | %d | %d | %d | %d | %d | %d |" % tuple(row))


def md_classes(md, classified, unclassified, level):
    for cls in ("bug", "choice", "feature"):
        items = classified[cls]
        title = CLASS_TITLES[cls]
        md.append("%s %s%s: %d" % (level, title[0].upper(), title[1:], len(items)))
        md.append("")
        if not items:
            md.append("None.")
            md.append("")
            continue
        by_reason = {}
        for rel, v, reason, msg in items:
            by_reason.setdefault(reason, []).append((rel, v, msg))
        for reason in sorted(by_reason, key=lambda r: (-len(by_reason[r]), r)):
            lst = by_reason[reason]
            md.append("**%s** (%d)" % (reason, len(lst)))
            md.append("")
            for rel, v, msg in lst:
                first = msg.splitlines()[0] if msg else v
                first = re.sub(r"^\S+\.pkt:(\d+): ", r"line \1: ", first)
                std = re.search(r"^with -D STANDARD, the script's own RFC branch: (\w+)$", msg, re.M)
                if std:
                    first += " (with -D STANDARD: %s)" % std.group(1)
                md.append("- `%s` (%s): %s" % (rel, v, md_escape(first)))
            md.append("")
    if unclassified:
        md.append("%s Not yet classified: %d" % (level, len(unclassified)))
        md.append("")
        for rel, v, msg in unclassified:
            first = msg.splitlines()[0] if msg else v
            md.append("- `%s` (%s): %s" % (rel, v, md_escape(first)))
        md.append("")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[3])
    netstep, suite, classes, out_md = sys.argv[1:]
    if not os.path.isdir(suite):
        sys.exit("conformance: no suite at %s (give SUITE=DIR, e.g. a clone of "
                 "freebsd-net/tcp-testsuite)" % suite)
    rules = load_rules(classes)
    scripts = ipv4_scripts(suite)
    results = run_all(netstep, suite, scripts)
    table, totals = tabulate(scripts, results)
    # The IPv6 twins: run the same way, counted and classified apart.
    scripts6 = ipv6_scripts(suite)
    results6 = run_all(netstep, suite, scripts6)
    table6, totals6 = tabulate(scripts6, results6)

    for title, tb, tt in (("IPv4", table, totals), ("IPv6", table6, totals6)):
        print("%-22s %28s   %28s" % (title, "default personality", "--personality freebsd"))
        print("%-22s %8s %8s %8s    %8s %8s %8s" % ("group", "passed", "failed", "skipped",
                                                   "passed", "failed", "skipped"))
        for row in tb + [["all"] + tt[""] + tt["freebsd"]]:
            print("%-22s %8d %8d %8d    %8d %8d %8d" % tuple(row))

    classified, unclassified = classify_all(netstep, suite, rules, scripts, results)
    classified6, unclassified6 = classify_all(netstep, suite, rules, scripts6, results6)

    md = []
    md.append("<!-- Generated by `make conformance` (tests/conformance/conformance.py) "
              "from tests/conformance/classes.txt; do not edit by hand. -->")
    md.append("# Conformance: the FreeBSD TCP test suite")
    md.append("")
    md.append("`make conformance` runs every IPv4 script of the FreeBSD tcp-testsuite "
              "(freebsd-net/tcp-testsuite, by default from "
              "`../shared/conformance/freebsd-tcp-testsuite`; `make conformance "
              "SUITE=DIR` for another copy), and apart from them every IPv6 twin "
              "(`--ip_version=ipv6` and `ipv4-mapped-ipv6`), with `netstep packetdrill` "
              "(docs/packetdrill.md), once with netstep's own tunables and once with "
              "`--personality freebsd`. Each script that does not pass with the "
              "freebsd personality is put in one of three classes by the first rule of "
              "tests/conformance/classes.txt that matches its name and message. "
              "The freebsd personality takes a script's `#ifdef FreeBSD` branch; a "
              "script that fails it and also writes an `#ifdef STANDARD` branch (the "
              "RFCs' answer, in the suite authors' reading) is run again with "
              "`-D STANDARD`, and that result is shown beside the failure.")
    md.append("")
    md.append("## Figures")
    md.append("")
    md.append("IPv4 (`--ip_version=ipv4`):")
    md.append("")
    md_table(md, table, totals)
    md.append("")
    md.append("Scripts run: %d. With netstep's defaults %d pass; with `--personality "
              "freebsd` %d pass. The default personality fails most scripts at the "
              "first SYN or SYN-ACK: netstep lays its options out as Linux does "
              "and sizes its window from its own buffer, both choices the RFCs leave "
              "open, which is what the freebsd personality changes."
              % (len(scripts), totals[""][0], totals["freebsd"][0]))
    md.append("")
    md.append("IPv6 (`--ip_version=ipv6`: the local host at 2001:db8::2/64, the scripted "
              "peer at 2001:db8::1; `ipv4-mapped-ipv6` scripts are skipped):")
    md.append("")
    md_table(md, table6, totals6)
    md.append("")
    md.append("IPv6 scripts run: %d. With netstep's defaults %d pass; with "
              "`--personality freebsd` %d pass."
              % (len(scripts6), totals6[""][0], totals6["freebsd"][0]))
    md.append("")
    md.append("## Why the others do not pass (freebsd personality)")
    md.append("")
    md.append("### IPv4")
    md.append("")
    md_classes(md, classified, unclassified, "####")
    md.append("### IPv6")
    md.append("")
    md_classes(md, classified6, unclassified6, "####")
    md.append("## Closing note")
    md.append("")
    md.append("%d IPv4 scripts; default personality: %d passed, %d failed, %d skipped; "
              "freebsd personality: %d passed, %d failed, %d skipped. Of those not "
              "passing with freebsd: %d netstep bugs, %d RFC choices, %d missing "
              "features, %d not classified."
              % (len(scripts), totals[""][0], totals[""][1], totals[""][2],
                 totals["freebsd"][0], totals["freebsd"][1], totals["freebsd"][2],
                 len(classified["bug"]), len(classified["choice"]),
                 len(classified["feature"]), len(unclassified)))
    md.append("")
    md.append("%d IPv6 scripts; default personality: %d passed, %d failed, %d skipped; "
              "freebsd personality: %d passed, %d failed, %d skipped. Of those not "
              "passing with freebsd: %d netstep bugs, %d RFC choices, %d missing "
              "features, %d not classified."
              % (len(scripts6), totals6[""][0], totals6[""][1], totals6[""][2],
                 totals6["freebsd"][0], totals6["freebsd"][1], totals6["freebsd"][2],
                 len(classified6["bug"]), len(classified6["choice"]),
                 len(classified6["feature"]), len(unclassified6)))
    with open(out_md, "w", encoding="utf-8") as fh:
        fh.write("\n".join(md) + "\n")
    for title, cl, un in (("IPv4", classified, unclassified), ("IPv6", classified6, unclassified6)):
        print("%s: %d bugs, %d RFC choices, %d missing features, %d not classified"
              % (title, len(cl["bug"]), len(cl["choice"]), len(cl["feature"]), len(un)))
    print("wrote %s" % out_md)
    return 1 if unclassified or unclassified6 or classified["bug"] or classified6["bug"] else 0

if __name__ == "__main__":
    sys.exit(main())
