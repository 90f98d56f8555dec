#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""cwnd_from_json.py - draw a TCP sender's congestion window from `netstep run --json`.

    netstep run tcp/slow-start --json > run.jsonl
    python3 docs/examples/cwnd_from_json.py run.jsonl cwnd.png

Every TCP event carries a snapshot of its connection's TCB ("tcb"), so the
congestion window is read, not guessed: one series per connection, a point
wherever cwnd changed. Reading needs only the standard library; drawing needs
matplotlib (apt-get install python3-matplotlib).
"""
import json
import sys


def read_cwnd(lines):
    """{(host, lport, faddr, fport): [(t_seconds, cwnd, ssthresh), ...]}, a point per change."""
    series = {}
    for line in lines:
        ev = json.loads(line)
        tcb = ev.get("tcb")
        if tcb is None:
            continue
        key = (ev["host"], tcb["lport"], tcb["faddr"], tcb["fport"])
        points = series.setdefault(key, [])
        if not points or points[-1][1] != tcb["cwnd"] or points[-1][2] != tcb["ssthresh"]:
            points.append((ev["t_ns"] / 1e9, tcb["cwnd"], tcb["ssthresh"]))
    return series


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: cwnd_from_json.py RUN.jsonl OUT.png")
    with open(sys.argv[1]) as f:
        series = read_cwnd(f)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4.5))
    styles = ["-", "--", "-.", ":"]
    for i, ((host, lport, faddr, fport), pts) in enumerate(sorted(series.items())):
        if max(p[1] for p in pts) == min(p[1] for p in pts):
            continue  # a connection that never grew its window (a receiver)
        ax.step([p[0] for p in pts], [p[1] for p in pts], where="post",
                linestyle=styles[i % len(styles)], label=f"{host} {lport} > {faddr}:{fport}")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("cwnd (bytes)")
    ax.set_title("congestion window")
    ax.legend()
    fig.savefig(sys.argv[2])


if __name__ == "__main__":
    main()
