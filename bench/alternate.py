#!/usr/bin/env python3
"""Runs commands in turn, N rounds, and prints each one's CPU time (user + system, from
wait4) and wall time, minimum and median: alternating keeps a shared machine's changing
load from favouring one command.

Usage: bench/alternate.py N CMD1... -- CMD2... [-- CMD3...]
Leading NAME=VALUE words of a command are set in its environment. Output goes to /dev/null. A command that fails stops the script (exit 1).
"""
import os
import statistics
import subprocess
import sys
import time


def timed(argv, env=None):
    """Runs `argv` (output to /dev/null) and returns its exit status, its resource usage
    (from wait4) and its wall time in seconds."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    return status, usage, time.perf_counter() - start


def main():
    rounds = int(sys.argv[1])
    commands = [[]]
    for word in sys.argv[2:]:
        if word == "--":
            commands.append([])
        else:
            commands[-1].append(word)
    times = [[] for _ in commands]
    for _ in range(rounds):
        for i, command in enumerate(commands):
            env = dict(os.environ)
            argv = list(command)
            while argv and "=" in argv[0] and not argv[0].startswith(("/", ".")):
                key, value = argv.pop(0).split("=", 1)
                env[key] = value
            status, usage, wall = timed(argv, env)
            if status != 0:
                sys.exit(f"{' '.join(command)} failed ({status}): its time would mean nothing")
            times[i].append((usage.ru_utime + usage.ru_stime, wall))
    for command, runs in zip(commands, times):
        cpu = [c * 1000 for c, _ in runs]
        wall = [w * 1000 for _, w in runs]
        print(
            f"cpu min {min(cpu):8.1f} median {statistics.median(cpu):8.1f} ms | "
            f"wall min {min(wall):8.1f} median {statistics.median(wall):8.1f} ms | "
            + " ".join(command)
        )


if __name__ == "__main__":
    main()
