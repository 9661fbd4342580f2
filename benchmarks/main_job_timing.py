"""Wall time of the main job (`python -m analysis build`), broken down by step, on this checkout.

Run: .venv/bin/python benchmarks/main_job_timing.py
It runs the build in a fresh subprocess (so imports, font preparation and kernels are counted) and
prints the per-step timings the build reports, plus the total wall time measured from outside.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time

from analysis.paths import PROJECT_ROOT


def main() -> None:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "analysis", "build"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, check=False)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:], sep="\n")
        raise SystemExit(f"build failed with exit code {result.returncode}")
    print("step                               seconds")
    for line in result.stdout.splitlines():
        match = re.match(r"^\s{2}(.+?)\s+(\d+\.\d) s$", line)
        if match:
            print(f"{match.group(1):34s} {float(match.group(2)):7.1f}")
    print(f"{'total wall time (subprocess)':34s} {wall:7.1f}")


if __name__ == "__main__":
    main()
