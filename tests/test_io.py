"""The one atomic-write helper: files and directories get the umask's modes, errors leave none."""

from __future__ import annotations

import os

import pytest

from forecast._io import atomic_dir, atomic_path, write_atomic
from forecast.errors import ForecastError


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def test_file_and_directory_modes_follow_the_umask(tmp_path, umask_027):
    path = write_atomic(tmp_path / "a.txt", lambda tmp: tmp.write_text("x"))
    assert path.stat().st_mode & 0o777 == 0o640  # not mkstemp's 0600
    with atomic_dir(tmp_path / "out", ("t.csv",)) as tmp:
        (tmp / "t.csv").write_text("x")
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o750  # not mkdtemp's 0700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "out"]  # no probe, no temp


def test_an_error_leaves_no_file_and_keeps_the_previous_one(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_directory_with_other_files_is_not_replaced(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with (
        pytest.raises(ForecastError, match=r"notes\.txt"),
        atomic_dir(tmp_path / "out", ("t.csv",)),
    ):
        pass
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"


_KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from forecast._io import atomic_dir, atomic_path

target, kind = Path(sys.argv[1]), sys.argv[2]
if kind == "dir":
    with atomic_dir(target, ("a.txt",)) as tmp:
        (tmp / "a.txt").write_text("half")
        os.kill(os.getpid(), signal.SIGKILL)
else:
    with atomic_path(target) as tmp:
        tmp.write_text("half")
        os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("kind", ["file", "dir"])
def test_a_killed_write_leaves_the_old_output_and_the_next_write_sweeps(tmp_path, kind):
    """Regressions (issue 17): a kill left temporaries beside the target for good."""
    import subprocess
    import sys

    target = tmp_path / ("out.txt" if kind == "file" else "out")
    if kind == "file":
        target.write_text("old")
    else:
        target.mkdir()
        (target / "a.txt").write_text("old")
    run = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(target), kind])
    assert run.returncode == -9
    old = target.read_text() if kind == "file" else (target / "a.txt").read_text()
    assert old == "old"  # the pre-existing output is untouched
    assert len(list(tmp_path.iterdir())) == 2  # the target and the killed write's temporary
    if kind == "file":
        with atomic_path(target) as tmp:
            tmp.write_text("new")
        assert target.read_text() == "new"
    else:
        with atomic_dir(target, ("a.txt",)) as tmp:
            (tmp / "a.txt").write_text("new")
        assert (target / "a.txt").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # nothing left beside it


def test_a_directory_is_swapped_in_one_step(tmp_path, monkeypatch):
    """The directory export never leaves the target missing: the new directory and the old
    are exchanged atomically (renameat2), with two renames only where that is unavailable."""
    from forecast import _io

    target = tmp_path / "out"
    target.mkdir()
    (target / "a.txt").write_text("old")
    calls = []
    real = _io._exchange
    monkeypatch.setattr(_io, "_exchange", lambda a, b: calls.append(1) or real(a, b))
    monkeypatch.setattr(os, "rename", lambda *a: pytest.fail("renamed in two steps"))
    with atomic_dir(target, ("a.txt",)) as tmp:
        (tmp / "a.txt").write_text("new")
    assert calls and (target / "a.txt").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
