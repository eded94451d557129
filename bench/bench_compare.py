"""`compare hjoerring horsens` on classified documents vs `strategikompas --help`, wall time.

Both run as fresh processes (the user's experience). The workspace is a fresh copy of the
bundled one; the first compare classifies (not timed), the timed runs read the store only."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).with_name("strategikompas")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def wall(args: list[str], env: dict) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([str(BIN), *args], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from strategikompas.workspace import init_workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws").root
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        args = ["compare", "hjoerring", "horsens", "--workspace", str(ws)]
        subprocess.run([str(BIN), *args], env=env, check=True, capture_output=True)  # classify once
        help_s = wall(["--help"], env)
        compare_s = wall(args, env)
    print(f"strategikompas --help            {help_s * 1000:7.0f} ms (median of {RUNS})")
    print(f"compare hjoerring horsens        {compare_s * 1000:7.0f} ms (classified documents)")
    print(f"ratio compare / --help           {compare_s / help_s:7.2f}")


if __name__ == "__main__":
    main()
