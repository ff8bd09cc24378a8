#!/usr/bin/env python3
"""Host CPU per message on the message path, by docs/network.md's method, in one command.

Usage: bench/message_ns.py AETHER SCENARIO [ROUNDS] [PROFILES]

Takes the interpreter's share of the run's time from `perf record -e cpu-clock` (the self
samples of `Node::run_loop` and `count_down`, the mean over PROFILES runs, 6 unless
given), the run's CPU time and that of the run stopped at 1 fs (setup and report) from
ROUNDS runs of each in turn (30 unless given: minimum and median), and the messages sent
(every message type's) from the run's report, and prints

    message path per message = (CPU x (1 - interpreter's share) - CPU of --until 1) / messages

for the minimum and the median. Needs `perf` (the linux-perf package).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

INTERPRETER = ("::run_loop", "::count_down")


def cpu_ms(argv):
    """CPU time (user + system) of one run of `argv`, in ms."""
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        sys.exit(f"{' '.join(argv)} failed ({status})")
    return (usage.ru_utime + usage.ru_stime) * 1000


def interpreter_share(argv, folder):
    """The interpreter's share of one run's cpu-clock samples."""
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
    share = 0.0
    for line in report.splitlines():
        fields = line.split()
        if fields and fields[0].endswith("%") and any(s in line for s in INTERPRETER):
            share += float(fields[0].rstrip("%")) / 100
    return share


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
    share = statistics.mean(shares)
    whole, setup = [], []
    for _ in range(rounds):
        whole.append(cpu_ms(run))
        setup.append(cpu_ms(run + ["--until", "1"]))
    print(f"messages sent           {messages}")
    print(
        f"interpreter share       {share:.1%} (mean of {profiles}: "
        f"{min(shares):.1%} to {max(shares):.1%})"
    )
    for name, pick in (("minimum", min), ("median", statistics.median)):
        cpu, base = pick(whole), pick(setup)
        ns = (cpu * (1 - share) - base) / messages * 1e6
        print(f"{name:8} CPU {cpu:6.1f} ms, --until 1 {base:5.1f} ms: {ns:5.0f} ns per message")


main()
