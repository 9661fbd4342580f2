"""The incremental main job: rebuild what is out of date, skip the rest, say which, never trust a stale output."""

from __future__ import annotations

from pathlib import Path

from analysis.pipeline import Step, digest_of, run_steps


def _writer(path: Path, text: str, log: Path):
    def write() -> None:
        path.write_text(text, encoding="utf-8")
        with log.open("a", encoding="utf-8") as stream:  # worker processes share no memory: log to a file
            stream.write(path.name + "\n")

    return write


def _steps(root: Path, versions: dict[str, str]) -> list[Step]:
    log = root / "made.log"
    return [
        Step(f"figure:{name}", (root / f"{name}.txt",), digest_of(version), _writer(root / f"{name}.txt", version, log))
        for name, version in versions.items()
    ]


def _made(root: Path) -> list[str]:
    log = root / "made.log"
    names = sorted(log.read_text(encoding="utf-8").split()) if log.exists() else []
    log.unlink(missing_ok=True)
    return names


def test_second_run_with_nothing_changed_makes_nothing_and_says_what_it_skipped(tmp_path, capfd):
    versions = {"a": "1", "b": "1", "c": "1"}
    assert run_steps(_steps(tmp_path, versions), tmp_path) == 0
    assert _made(tmp_path) == ["a.txt", "b.txt", "c.txt"]
    capfd.readouterr()
    assert run_steps(_steps(tmp_path, versions), tmp_path) == 0
    assert _made(tmp_path) == []
    assert "skipped 3 up-to-date step(s): figure ×3" in capfd.readouterr().out


def test_only_the_step_whose_inputs_changed_or_whose_output_went_missing_is_rebuilt(tmp_path):
    run_steps(_steps(tmp_path, {"a": "1", "b": "1", "c": "1"}), tmp_path)
    _made(tmp_path)
    (tmp_path / "c.txt").unlink()
    assert run_steps(_steps(tmp_path, {"a": "1", "b": "2", "c": "1"}), tmp_path) == 0
    assert _made(tmp_path) == ["b.txt", "c.txt"]
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "2"


def test_force_rebuilds_everything(tmp_path):
    versions = {"a": "1", "b": "1"}
    run_steps(_steps(tmp_path, versions), tmp_path)
    _made(tmp_path)
    assert run_steps(_steps(tmp_path, versions), tmp_path, force=True) == 0
    assert _made(tmp_path) == ["a.txt", "b.txt"]


def test_a_failing_step_is_named_without_a_traceback_and_is_retried_next_time(tmp_path, capfd):
    def fail() -> None:
        raise ValueError("targets.csv, line 3, column 'value': not a number")

    steps = _steps(tmp_path, {"a": "1"}) + [Step("notebook:broken", (tmp_path / "x.txt",), digest_of("1"), fail)]
    assert run_steps(steps, tmp_path) != 0
    out = capfd.readouterr().out
    assert "failed: notebook:broken: ValueError: targets.csv, line 3, column 'value': not a number" in out
    assert "Traceback" not in out
    _made(tmp_path)
    assert run_steps(steps, tmp_path) != 0  # not recorded as done: it runs again
    assert "failed: notebook:broken" in capfd.readouterr().out


def test_digest_of_paths_depends_on_their_bytes(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    first = digest_of(path, "zh")
    assert digest_of(path, "zh") == first
    assert digest_of(path, "en") != first
    path.write_text("a,b\n1,3\n", encoding="utf-8")
    assert digest_of(path, "zh") != first
