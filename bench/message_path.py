#!/usr/bin/env python3
"""Host instructions per message on the message path, from a callgrind profile of a run.

Usage: bench/message_path.py CALLGRIND_OUT MESSAGES [FUNCTIONS]

Splits the profile's instructions (Ir) into the interpreter (the self cost of
`Node::run_loop`, with what is inlined into it, and its callees other than the
`Settling` methods, the NIC instructions it performs), the message path (everything else under `Engine::run_for`:
the engine, `World::drive` and `handle`, the NIC instructions in and out of the loop,
the network) and the rest of the process (setup and report), and prints each per
message, then the process's largest functions besides `run_loop` (self cost per
message, inclusive cost, calls per message). docs/network.md, "The message path's host CPU".
"""
import collections
import re
import sys


def parse(path):
    names, self_cost, callee_cost = {}, collections.Counter(), collections.Counter()
    calls, edges = collections.Counter(), collections.Counter()

    def name(field):
        m = re.match(r"\((\d+)\)(?: (.*))?", field)
        if not m:
            return field
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names[m.group(1)]

    fn = cfn = None
    call = None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("fn="):
                fn = name(line[3:])
            elif line.startswith("cfn="):
                cfn = name(line[4:])
            elif line.startswith("calls="):
                call = (cfn, int(line[6:].split()[0]))
            elif line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                if len(parts) < 2:
                    continue
                cost = int(parts[1])
                if call is None:
                    self_cost[fn] += cost
                else:
                    callee, count = call
                    if callee != fn:
                        callee_cost[fn] += cost
                        edges[(fn, callee)] += cost
                        calls[callee] += count
                    call = None
    return self_cost, callee_cost, calls, edges


def main():
    path, messages = sys.argv[1], float(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    self_cost, callee_cost, calls, edges = parse(path)
    inclusive = {f: self_cost[f] + callee_cost[f] for f in set(self_cost) | set(callee_cost)}
    run_for = next(f for f in inclusive if f.startswith("aether_cosim::engine::Engine<E>::run_for"))
    run_loop = next(f for f in self_cost if f.endswith("Node>::run_loop"))
    beside = sum(c for (a, b), c in edges.items() if a == run_loop and "nic::Settling::" not in b)
    interpreter = self_cost[run_loop] + beside
    total = sum(self_cost.values())
    path_cost = inclusive[run_for] - interpreter
    print(f"whole process  {total / messages:8.0f} host instructions per message")
    print(f"interpreter    {interpreter / messages:8.0f}")
    print(f"message path   {path_cost / messages:8.0f}")
    print(f"setup, report  {(total - inclusive[run_for]) / messages:8.0f}")
    print("largest functions besides run_loop: self, inclusive, calls per message")
    rest = [f for f in self_cost if f != run_loop]
    for f in sorted(rest, key=lambda f: -self_cost[f])[:top]:
        print(f"{self_cost[f] / messages:8.1f} {inclusive[f] / messages:8.1f} {calls[f] / messages:6.2f}  {f[:100]}")


if __name__ == "__main__":
    main()
