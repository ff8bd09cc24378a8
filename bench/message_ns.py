#!/usr/bin/env python3
"""Host CPU per message on the message path, by docs/network.md's method, in one command.

Usage: bench/message_ns.py AETHER SCENARIO [ROUNDS] [PROFILES]

Takes the interpreter's share of the run's time from `perf record -e cpu-clock` (the self
samples of `Node::run_loop` and `count_down`, the mean over PROFILES runs, 6 unless
given), the run's CPU time (user and all) and that of the run stopped at 1 fs (setup and
report) from ROUNDS runs of each in turn (30 unless given: minimum and median), and the
messages sent (every message type's) from the run's report, and prints, for the minimum
and the median run,

    by user samples: (CPU x (1 - user fraction x interpreter's share of the user-space
                      samples) - CPU of --until 1) / messages
    by all samples:  (CPU x (1 - interpreter's share of all samples)
                      - CPU of --until 1) / messages

where the user fraction is the user CPU time's share of the run's CPU time over all ROUNDS
runs (the kernel splits a run's time into user and system time by ticks: one run's split is
coarse, their sum is not). The first is the measure: the interpreter runs in user space
only, and the kernel's share of a profile swings from run to run under perf (clearing huge
pages: 6 % to 59 % of one run's samples), where the user-space share holds
(docs/network.md). Needs `perf` (the
linux-perf package).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

INTERPRETER = ("::run_loop", "::count_down")


def cpu_ms(argv):
    """CPU time (user + system) and user time of one run of `argv`, in ms."""
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        sys.exit(f"{' '.join(argv)} failed ({status})")
    return ((usage.ru_utime + usage.ru_stime) * 1000, usage.ru_utime * 1000)


def interpreter_share(argv, folder):
    """The interpreter's share of one run's cpu-clock samples, of all and of the user-space
    ones."""
    data = os.path.join(folder, "perf.data")
    subprocess.run(
        ["perf", "record", "-q", "-e", "cpu-clock", "-F", "25000", "-o", data, "--", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    report = subprocess.run(
        ["perf", "report", "-i", data, "--no-children", "--sort", "symbol", "--stdio"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    share, user = 0.0, 0.0
    for line in report.splitlines():
        fields = line.split()
        if len(fields) < 2 or not fields[0].endswith("%"):
            continue
        percent = float(fields[0].rstrip("%")) / 100
        if fields[1] == "[.]":
            user += percent
        if any(s in line for s in INTERPRETER):
            share += percent
    return share, share / user


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    aether, scenario = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    profiles = int(sys.argv[4]) if len(sys.argv) > 4 else 6
    run = [aether, "run", scenario, "--json"]
    report = json.loads(subprocess.run(run, capture_output=True, check=True).stdout)
    messages = sum(t["sent"] for t in report["network"]["types"].values())
    with tempfile.TemporaryDirectory() as folder:
        shares = [interpreter_share(run, folder) for _ in range(profiles)]
    share = statistics.mean(s for s, _ in shares)
    user_share = statistics.mean(u for _, u in shares)
    whole, setup = [], []
    for _ in range(rounds):
        whole.append(cpu_ms(run))
        setup.append(cpu_ms(run + ["--until", "1"])[0])
    whole.sort()
    user_fraction = sum(u for _, u in whole) / sum(c for c, _ in whole)
    print(f"messages sent           {messages}")
    print(f"user fraction of CPU    {user_fraction:.1%} (over {rounds} runs)")
    for name, values in (("of user samples", [u for _, u in shares]), ("of all samples", [s for s, _ in shares])):
        print(
            f"interpreter share {name:16} {statistics.mean(values):.1%} "
            f"(mean of {profiles}: {min(values):.1%} to {max(values):.1%})"
        )
    for name, pick in (("minimum", min), ("median", statistics.median)):
        cpu, base = pick(c for c, _ in whole), pick(setup)
        by_user = (cpu * (1 - user_fraction * user_share) - base) / messages * 1e6
        by_all = (cpu * (1 - share) - base) / messages * 1e6
        print(
            f"{name:8} CPU {cpu:6.1f} ms, --until 1 {base:5.1f} ms: "
            f"{by_user:5.0f} ns per message by user samples, {by_all:5.0f} by all"
        )


main()
