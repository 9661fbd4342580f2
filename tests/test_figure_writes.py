"""Figure files are written atomically: a failure or a kill mid-write never leaves a truncated file."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from analysis import figures

# Forks a writer that saves a figure over and over for each line read, prints its pid and, once it is killed,
# "done"; the figure machinery is imported and warmed once, not once per writer.
WRITER = r"""
import io, os, sys
from pathlib import Path
from matplotlib.figure import Figure
from analysis.figures import save_figure
out = Path(sys.argv[1])
figure = Figure(figsize=(3, 2))
figure.add_subplot().plot(range(200))
for fmt in ("png", "pdf"):
    figure.savefig(io.BytesIO(), format=fmt)
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        while True:
            save_figure(figure, out / "01_demo_zh")
    print(pid, flush=True)
    os.waitpid(pid, 0)
    print("done", flush=True)
"""


def complete(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".png":
        return data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82")
    return data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")


def small_figure() -> Figure:
    figure = Figure(figsize=(2, 1))
    figure.add_subplot().plot([0, 1])
    return figure


def test_a_failing_save_keeps_the_previous_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    figures.save_figure(small_figure(), tmp_path / "01_demo_zh")
    before = (tmp_path / "01_demo_zh.png").read_bytes()

    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        figures.save_figure(small_figure(), tmp_path / "01_demo_zh")
    assert (tmp_path / "01_demo_zh.png").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_demo_zh.pdf", "01_demo_zh.png"]


def test_figure_files_get_the_mode_a_plain_write_gives(tmp_path):
    old = os.umask(0o022)
    try:
        figures.save_figure(small_figure(), tmp_path / "01_demo_zh")
    finally:
        os.umask(old)
    assert (tmp_path / "01_demo_zh.png").stat().st_mode & 0o777 == 0o644


def test_killing_a_writer_at_random_moments_never_leaves_a_truncated_figure(tmp_path):
    rng = random.Random(12)
    env = {**os.environ, "PYTHONPATH": str(Path(figures.__file__).parents[1])}
    writers = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    )
    assert writers.stdout.readline().strip() == b"ready"
    for _ in range(6):
        writers.stdin.write(b"write\n")
        writers.stdin.flush()
        pid = int(writers.stdout.readline())
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(pid, signal.SIGKILL)
        assert writers.stdout.readline().strip() == b"done"
        finished = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
        assert all(complete(p) for p in finished), [p.name for p in finished if not complete(p)]
    writers.stdin.close()
    writers.wait(timeout=30)
    assert finished, "no writer finished a figure before it was killed"
    figures.remove_leftover_temporaries(tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
