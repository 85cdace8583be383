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
