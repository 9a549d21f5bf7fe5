"""The micro benchmark's operations on werkzeug.local under CPython.

Run with the system interpreter that has Debian's python3-werkzeug:
``/usr/bin/python3 bench/werkzeug_ops.py [--quick]``. Prints one line per
operation and one JSON line (after ``@@contextlocal-bench ``) for
scripts/bench.mjs; prints ``skip <why>`` and exits 0 when werkzeug is absent.
"""

import json
import platform
import sys
import timeit

MARKER = "@@contextlocal-bench "

try:
    import importlib.metadata

    from werkzeug.local import Local, LocalProxy, LocalStack

    VERSION = importlib.metadata.version("werkzeug")
except ImportError as error:
    print(
        f"skip werkzeug is not importable by {sys.executable} ({error}); "
        "on Debian/Ubuntu: sudo apt-get install -y python3-werkzeug"
    )
    sys.exit(0)


class Req:
    """The same shape as bench/_req.ts: an attribute and a prototype method."""

    def __init__(self):
        self.a = 1

    def m(self):
        return self.a


stack = LocalStack()
stack.push(Req())
request = LocalProxy(stack)
g = Local()
g.x = 1

# Each name matches the contextlocal row it is compared with (see
# WERKZEUG_PAIRS in bench/report.mjs).
OPERATIONS = [
    ("proxy attribute", "request.a"),
    ("proxy method", "request.m()"),
    ("stack.top", "stack.top"),
    ("Local write", "g.x = 1"),
    ("Local read", "g.x"),
]


def measure(statement, repeats, seconds):
    """Median nanoseconds per execution over `repeats` timings of ~`seconds` each."""
    timer = timeit.Timer(statement, globals=globals())
    number, elapsed = timer.autorange()
    number = max(1, int(number * seconds / max(elapsed, 1e-9)))
    times = sorted(t / number * 1e9 for t in timer.repeat(repeats, number))
    return times[len(times) // 2]


def main():
    quick = "--quick" in sys.argv[1:]
    repeats, seconds = (3, 0.05) if quick else (7, 0.2)
    rows = []
    runtime = f"CPython {platform.python_version()}, werkzeug {VERSION}"
    print(f"# werkzeug.local on {runtime}")
    for name, statement in OPERATIONS:
        ns = measure(statement, repeats, seconds)
        rows.append({"name": name, "statement": statement, "ns": ns})
        print(f"{name:<18} {statement:<14} {ns:8.1f} ns")
    data = {"python": platform.python_version(), "werkzeug": VERSION, "rows": rows}
    print(MARKER + json.dumps({"kind": "werkzeug", "runtime": runtime, "data": data}))


main()
