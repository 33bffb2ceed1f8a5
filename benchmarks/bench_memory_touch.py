"""What first touching memory costs on this machine: 400 MiB written right after it was
allocated, three ways.

Run from the repository root::

    python benchmarks/bench_memory_touch.py

* fresh -- memory this process has never used;
* again at once -- the same amount, allocated again right after freeing the first;
* again after a pause -- the same, after the freed memory sat unused for a few seconds.

On a bare machine all three take a few hundredths of a second. In a virtual machine that
hands free memory back to its host (free page reporting, as Firecracker's balloon does),
memory that sat free for a while must come back from the host page by page, at a cost
that can reach seconds per GiB: every benchmark that touches new memory pays it, and how
much depends on what ran just before. Read the figures in BENCHMARKS.md with it.
"""

from __future__ import annotations

import sys
import time

import numpy as np

SIZE = 400 * 2**20  # bytes


def touch() -> float:
    start = time.perf_counter()
    block = np.ones(SIZE // 8)  # allocated and written
    seconds = time.perf_counter() - start
    del block
    return seconds


def main(pause: float = 5.0) -> None:
    print(f"writing {SIZE / 2**20:.0f} MiB of new memory")
    for label, wait in (("fresh", 0.0), ("again at once", 0.0), (f"again after {pause:g} s", pause)):
        time.sleep(wait)
        seconds = touch()
        print(f"  {label:<20} {seconds:6.3f} s  ({SIZE / 2**30 / seconds:6.2f} GiB/s)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)
