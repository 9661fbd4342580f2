"""The main job as an incremental build: each output is rebuilt only when what it is made from changed.

Every step names its outputs and a digest of everything it is made from (the data it reads, the
package's code, the font, the language). The task runner doit keeps the digest of the last
successful run in ``build/doit-state.json``; a step whose digest and outputs are unchanged is
skipped and reported as such. Steps run on every core in worker processes forked after the data
was loaded once, so one build never mixes two states of the data.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.paths import PROJECT_ROOT, data_files, package_sources

STATE_FILE = Path("build") / "doit-state.json"


@dataclass(frozen=True)
class Step:
    """One unit of the main job: what it writes, what it is made from, how to make it."""

    name: str  # unique, e.g. "figure:03_kindergarten_targets_vs_national_zh"
    outputs: tuple[Path, ...]
    digest: str  # of everything the outputs are made from
    action: Callable[[], object] = field(compare=False)
    after: tuple[str, ...] = ()  # names of steps that must finish first


def digest_of(*parts: object) -> str:
    """A stable sha256 of strings, bytes and paths (a path contributes its name and its bytes)."""
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            hasher.update(str(part.name).encode("utf-8"))
            hasher.update(part.read_bytes() if part.is_file() else b"<missing>")
        elif isinstance(part, bytes):
            hasher.update(part)
        else:
            hasher.update(str(part).encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()


def value_digest(value: object) -> str:
    """A stable text for a value a figure is drawn from (frames by content, functions by name)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.to_csv(index=True, lineterminator="\n")
    if callable(value) and hasattr(value, "__qualname__"):
        inner = [value_digest(cell.cell_contents) for cell in (getattr(value, "__closure__", None) or ())]
        defaults = [value_digest(v) for v in (getattr(value, "__defaults__", None) or ())]
        return f"{value.__module__}.{value.__qualname__}({'|'.join(inner)};{'|'.join(defaults)})"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{value_digest(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return "[" + ",".join(value_digest(v) for v in items) + "]"
    if hasattr(value, "__dataclass_fields__"):
        return value_digest({name: getattr(value, name) for name in value.__dataclass_fields__})
    return repr(value)


def code_digest(root: Path = PROJECT_ROOT) -> str:
    """Digest of the package's source: a change to any module rebuilds everything."""
    package = Path(__file__).resolve().parent
    files = package_sources()
    return digest_of(*[str(p.relative_to(package)) for p in files], *files)


def data_digest(root: Path) -> str:
    """Digest of every file under ``data/`` that the curated tables and raw texts consist of."""
    files = data_files(root)
    return digest_of(*[str(p.relative_to(root)) for p in files], *files)


# Steps of the running build, by name. Worker processes are forked from the process that set this,
# so they inherit the steps (and the data the steps closed over) without pickling them.
_STEPS: dict[str, Step] = {}
_TASK_NAMES: dict[str, str] = {}  # doit's task name -> step name


def _run_step(name: str):
    from doit.exceptions import TaskFailed

    try:
        _STEPS[name].action()
    except Exception as error:  # reported as a message naming the step, not a traceback
        return TaskFailed(f"{type(error).__name__}: {error}")
    return True


class _Progress:
    """A doit reporter that counts steps, says what it skipped and estimates the time left."""

    def __init__(self, outstream, options):
        self.out = sys.stdout  # doit binds its default stream at import time; use the current one
        self.total = 0
        self.done = 0
        self.skipped: list[str] = []
        self.failures: list[tuple[str, str]] = []
        self.started = time.perf_counter()
        self.durations: list[float] = []
        self.begun: dict[str, float] = {}
        self.tty = bool(getattr(sys.stdout, "isatty", lambda: False)())

    def initialize(self, tasks, selected_tasks):
        self.total = len(_STEPS)

    def get_status(self, task):
        pass

    def execute_task(self, task):
        self.begun[task.name] = time.perf_counter()

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def add_success(self, task):
        if task.name not in _TASK_NAMES:
            return
        self.done += 1
        seconds = time.perf_counter() - self.begun.get(task.name, time.perf_counter())
        self.durations.append(seconds)
        left = self.total - self.done - len(self.skipped)
        mean = sum(self.durations) / len(self.durations)
        workers = max(1, int(os.environ.get("ANALYSIS_JOBS", os.cpu_count() or 1)))
        eta = f", about {left * mean / workers:.0f} s left" if left else ""
        if self.tty:
            self._line(
                f"  [{self.done + len(self.skipped)}/{self.total}] made {_TASK_NAMES[task.name]} ({seconds:.1f} s{eta})"
            )

    def skip_uptodate(self, task):
        if task.name in _TASK_NAMES:
            self.skipped.append(_TASK_NAMES[task.name])

    def skip_ignore(self, task):
        self.skip_uptodate(task)

    def add_failure(self, task, fail):
        self.failures.append((task.name, fail.get_msg()))
        self._line(f"  failed: {_TASK_NAMES.get(task.name, task.name)}: {fail.get_msg().strip()}")

    def cleanup_error(self, exception):
        self._line(f"  cleanup error: {exception}")

    def runtime_error(self, msg):
        self._line(f"  error: {msg}")

    def teardown_task(self, task):
        pass

    def complete_run(self):
        if self.skipped:
            self._line(f"  skipped {len(self.skipped)} up-to-date step(s): {_summarise(self.skipped)}")
        self._line(
            f"  {self.done} step(s) made, {len(self.skipped)} up to date, {len(self.failures)} failed "
            f"in {time.perf_counter() - self.started:.1f} s"
        )


def _summarise(names: Iterable[str]) -> str:
    """``figure ×18, notebook ×6`` from step names of the form ``kind:detail``."""
    counts: dict[str, int] = {}
    for name in names:
        kind = name.split(":", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{kind} ×{n}" if n > 1 else kind for kind, n in counts.items())


def run_steps(steps: list[Step], root: Path, *, force: bool = False, jobs: int | None = None, stream=None) -> int:
    """Run the steps that are out of date (all with ``force``) on ``jobs`` processes; 0 when all succeed."""
    from doit.cmd_base import ModuleTaskLoader
    from doit.doit_cmd import DoitMain
    from doit.tools import config_changed

    jobs = jobs or max(1, min(len(steps), os.cpu_count() or 1))
    _STEPS.clear()
    _STEPS.update({step.name: step for step in steps})
    _TASK_NAMES.clear()
    _TASK_NAMES.update({f"build:{step.name}": step.name for step in steps})
    state = root / STATE_FILE
    state.parent.mkdir(parents=True, exist_ok=True)

    def task_generator():
        for step in steps:
            yield {
                "name": step.name,
                "actions": [(_run_step, [step.name])],
                "targets": [str(p) for p in step.outputs],
                "uptodate": [config_changed(step.digest)],
                "task_dep": [f"build:{name}" for name in step.after],
                "verbosity": 2,
            }

    def task_build():
        yield from task_generator()

    task_build.__doc__ = "the main job"
    namespace = {
        "task_build": task_build,
        "DOIT_CONFIG": {
            "reporter": _Progress,
            "dep_file": str(state),
            "backend": "json",
            "num_process": jobs if jobs > 1 else 0,
            "par_type": "process",
            "verbosity": 2,
        },
    }
    argv = ["run", "--db-file", str(state), "--backend", "json"]
    if force:
        argv.append("--always-execute")
    if jobs > 1:
        argv += ["-n", str(jobs), "-P", "process"]
    old_cwd = Path.cwd()
    try:
        os.chdir(root)
        return DoitMain(ModuleTaskLoader(namespace)).run(argv + ["build"])
    finally:
        os.chdir(old_cwd)
