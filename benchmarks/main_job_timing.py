"""Wall time of the main job (`python -m analysis build`): forced full rebuild, nothing changed, one cell edited.

Run: .venv/bin/python benchmarks/main_job_timing.py [--runs N] [--tests]

It works on a temporary copy of the project's data (the checkout is not touched), runs each build in a
fresh subprocess (imports, kernels and worker processes counted) and prints seconds, plus each time as a
ratio to a reference measured in the same run (`python -c "import analysis.figures"`, the start-up every
build pays), so numbers from a loaded machine still compare. ``--tests`` also times the test suite as
`scripts/test.sh` runs it. Aims (issue: fast edit loop): full ≤ 45 s, nothing changed ≤ 5 s, one cell ≤ 15 s.
The one-cell edit is timed twice: a target's notes, which no figure or notebook shows (tables, workbook,
methods and evidence site are made again), and its Chinese label, which the kindergarten notebook lists
(that notebook runs again as well).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.paths import PROJECT_ROOT


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        raise SystemExit(f"{' '.join(command)} failed with exit code {result.returncode}")
    return seconds


def edit_one_cell(root: Path, run: int, column: str = "notes") -> None:
    """Change one cell of one kindergarten-coverage target, as a curator does in Excel or an editor: its ``notes``
    (shown in no figure or notebook) or its ``indicator_zh`` (listed in the kindergarten notebook's table)."""
    code = (
        "from pathlib import Path; from analysis.curated import load_table, write_tables;"
        f"root = Path({str(root)!r}); t = load_table('targets', root);"
        "row = t.index[t['theme_id'].eq('kindergarten_coverage')][0];"
        f"t.loc[row, {column!r}] = (t.loc[row, {column!r}] + ' ({run})').strip();"
        "write_tables({'targets': t}, root)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="repetitions of each measurement (median shown)")
    parser.add_argument("--tests", action="store_true", help="also time the test suite (several minutes)")
    args = parser.parse_args()
    build = [sys.executable, "-m", "analysis", "--root"]
    with tempfile.TemporaryDirectory(prefix="main-job-timing-") as folder:
        root = Path(folder)
        shutil.copytree(PROJECT_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("*.xlsx", "_staging"))
        shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")
        reference = statistics.median(timed([sys.executable, "-c", "import analysis.figures"], root) for _ in range(3))
        rows = {
            "full rebuild (--force)": [],
            "nothing changed": [],
            "one cell of targets.csv edited": [],
            "one cell a notebook shows edited": [],
        }
        timed(build + [str(root), "build"], root)  # warm: font subset cut, caches filled
        for run in range(args.runs):
            rows["full rebuild (--force)"].append(timed(build + [str(root), "build", "--force"], root))
            rows["nothing changed"].append(timed(build + [str(root), "build"], root))
            edit_one_cell(root, run)
            rows["one cell of targets.csv edited"].append(timed(build + [str(root), "build"], root))
            edit_one_cell(root, run, "indicator_zh")
            rows["one cell a notebook shows edited"].append(timed(build + [str(root), "build"], root))
    print(f"reference (start-up: import analysis.figures): {reference:.2f} s")
    print(f"{'main job':34s} {'seconds':>8s} {'× reference':>12s}")
    for name, values in rows.items():
        seconds = statistics.median(values)
        print(f"{name:34s} {seconds:8.1f} {seconds / reference:12.1f}")
    if args.tests:
        seconds = timed(["bash", "scripts/test.sh", "-q"], PROJECT_ROOT)
        print(f"{'test suite (scripts/test.sh)':34s} {seconds:8.1f} {seconds / reference:12.1f}")


if __name__ == "__main__":
    main()
