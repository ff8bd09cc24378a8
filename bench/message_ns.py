#!/usr/bin/env python3
"""Host CPU per message on the message path, by docs/network.md's method, in one command.

Usage: bench/message_ns.py [--base OLD_AETHER] AETHER SCENARIO [ROUNDS] [PROFILES]
With --base, both binaries are measured in turn (profile by profile, round by round) and the
difference is printed: the way to compare two builds on a shared, noisy machine.

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

from alternate import timed

INTERPRETER = ("::run_loop", "::count_down")


def cpu_ms(argv):
    """CPU time (user + system) and user time of one run of `argv`, in ms."""
    status, usage, _ = timed(argv)
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


class Binary:
    """One binary's measurements: its profiles' shares and its runs' CPU times."""

    def __init__(self, aether, scenario):
        self.aether = aether
        self.run = [aether, "run", scenario, "--json"]
        report = json.loads(subprocess.run(self.run, capture_output=True, check=True).stdout)
        self.messages = sum(t["sent"] for t in report["network"]["types"].values())
        self.shares, self.whole, self.setup = [], [], []

    def profile(self, folder):
        self.shares.append(interpreter_share(self.run, folder))

    def round(self):
        self.whole.append(cpu_ms(self.run))
        self.setup.append(cpu_ms(self.run + ["--until", "1"])[0])

    def per_message(self):
        """ns per message by user samples and by all samples, for the minimum and median run."""
        share = statistics.mean(s for s, _ in self.shares)
        user_share = statistics.mean(u for _, u in self.shares)
        user_fraction = sum(u for _, u in self.whole) / sum(c for c, _ in self.whole)
        result = {}
        for name, pick in (("minimum", min), ("median", statistics.median)):
            cpu, base = pick(c for c, _ in self.whole), pick(self.setup)
            by_user = (cpu * (1 - user_fraction * user_share) - base) / self.messages * 1e6
            by_all = (cpu * (1 - share) - base) / self.messages * 1e6
            result[name] = (cpu, base, by_user, by_all)
        return user_fraction, result

    def show(self):
        rounds, profiles = len(self.whole), len(self.shares)
        user_fraction, result = self.per_message()
        print(self.aether)
        print(f"messages sent           {self.messages}")
        print(f"user fraction of CPU    {user_fraction:.1%} (over {rounds} runs)")
        for name, values in (
            ("of user samples", [u for _, u in self.shares]),
            ("of all samples", [s for s, _ in self.shares]),
        ):
            print(
                f"interpreter share {name:16} {statistics.mean(values):.1%} "
                f"(mean of {profiles}: {min(values):.1%} to {max(values):.1%})"
            )
        for name, (cpu, base, by_user, by_all) in result.items():
            print(
                f"{name:8} CPU {cpu:6.1f} ms, --until 1 {base:5.1f} ms: "
                f"{by_user:5.0f} ns per message by user samples, {by_all:5.0f} by all"
            )


def main():
    args = sys.argv[1:]
    base = None
    if args[:1] == ["--base"] and len(args) > 1:
        base, args = args[1], args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    aether, scenario = args[0], args[1]
    rounds = int(args[2]) if len(args) > 2 else 30
    profiles = int(args[3]) if len(args) > 3 else 6
    binaries = [Binary(b, scenario) for b in ([base] if base else []) + [aether]]
    if len({b.messages for b in binaries}) != 1:
        sys.exit("the two binaries send different numbers of messages: not the same workload")
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(profiles):
            for binary in binaries:
                binary.profile(folder)
    for _ in range(rounds):
        for binary in binaries:
            binary.round()
    for binary in binaries:
        binary.show()
    if base:
        old, new = (b.per_message()[1] for b in binaries)
        for name in old:
            print(
                f"{name:8} difference (this - base): {new[name][2] - old[name][2]:+5.1f} ns per "
                f"message by user samples, {new[name][3] - old[name][3]:+5.1f} by all"
            )


main()
