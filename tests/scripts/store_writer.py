"""Helper process for the crash tests: forks a writer of curated tables for each command read on stdin.

Commands: ``loop`` (write state B, then A, forever, until killed), ``replace N`` / ``fsync N`` (write B once,
SIGKILLing itself just before the N-th ``os.replace`` / ``os.fsync``). Prints the writer's pid, then
``done <status>`` once it has ended. State B is state A with " (B)" added to the notes of every row of four
per-region tables, so one write of B touches every region file of those tables.
"""

from __future__ import annotations

import os
import signal
import sys

from analysis.curated import load_tables, write_tables

TABLES = ("clauses", "targets", "excluded_numbers", "commitments")


def states(root: str):
    tables = load_tables(root)
    a = {name: tables[name] for name in TABLES}
    b = {name: frame.assign(notes=frame["notes"] + " (B)") for name, frame in a.items()}
    return a, b


def die_at(module, name: str, number: int) -> None:
    original = getattr(module, name)
    calls = [0]

    def wrapper(*args, **kwargs):
        calls[0] += 1
        if calls[0] == number:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)

    setattr(module, name, wrapper)


def main() -> None:
    root = sys.argv[1]
    a, b = states(root)
    print("ready", flush=True)
    for command in sys.stdin:
        words = command.split()
        pid = os.fork()
        if pid == 0:
            if words[0] == "loop":
                while True:
                    write_tables(b, root)
                    write_tables(a, root)
            die_at(os, words[0], int(words[1]))
            write_tables(b, root)
            os._exit(0)
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"done {status}", flush=True)


if __name__ == "__main__":
    main()
