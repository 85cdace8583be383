"""Interrupted writes: SIGKILL during every command that writes, at seeded random moments.

Each command first runs to completion (the pre-existing output, and how long a run takes),
then is killed at a random moment of a second run, then runs once more. After the kill the
target must be byte-identical to the pre-existing output and nothing but the killed run's own
temporaries (``.{name}.{pid}.*.tmp``) may stand beside it; after the next run nothing at all.
``SOURCE_DATE_EPOCH`` is fixed, so a run killed after its final rename (a complete output)
leaves the same bytes as the pre-existing output.
The default run kills each command once, ``--run-slow`` five times.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).parent.parent

SCENARIO = ROOT / "data" / "scenarios" / "taiwan.toml"
# every run stamps the same creation time: a complete output is byte-identical to the last one
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}


def _snapshot(target: Path) -> dict[str, bytes] | None:
    """The bytes at ``target``: a file's, or every file's of a directory; None if absent."""
    if target.is_dir():
        return {p.name: p.read_bytes() for p in sorted(target.iterdir())}
    return {"": target.read_bytes()} if target.exists() else None


def _run(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - start


def _kill_at(args: list[str], cwd: Path, delay: float) -> tuple[int, int]:
    """Start ``args``, SIGKILL its process group after ``delay`` s; return (returncode, pid)."""
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return proc.returncode, proc.pid


def _beside(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p.name != target.name)


def _interrupt(args: list[str], target: Path, cwd: Path, kills: int, seed: int) -> dict:
    """Kill ``args`` ``kills`` times; check the contract after each kill and each next run."""
    rng = np.random.default_rng(seed)
    seconds = _run(args, cwd)
    before = _snapshot(target)
    assert before is not None, f"{args} wrote nothing at {target}"
    killed = mid_write = 0
    for _ in range(kills):
        # the write is at the end of a run: most moments fall in its last two thirds
        rc, pid = _kill_at(args, cwd, rng.uniform(0.3, 1.0) * seconds)
        if rc == 0:  # it finished first: a complete run, nothing to check but the output
            before = _snapshot(target)
            continue
        assert rc == -signal.SIGKILL
        killed += 1
        assert _snapshot(target) == before, "a kill changed the pre-existing output"
        temporary = re.compile(rf"\.{re.escape(target.name)}\.{pid}\..*\.tmp$")
        left = _beside(target)
        assert all(temporary.match(name) for name in left), left
        mid_write += bool(left)
        seconds = _run(args, cwd)
        before = _snapshot(target)
        assert _beside(target) == [], "the next run left the killed run's temporaries"
    # figures for the README's reliability section (shown with -s)
    print(f"\n{args[1]} {target.name}: {kills} tries, {killed} killed, {mid_write} mid-write")
    return {"killed": killed, "mid_write": mid_write}


def _kills(request) -> int:
    return 5 if request.config.getoption("--run-slow") else 1


@pytest.fixture
def out_dir(tmp_path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    return out


@pytest.mark.shared_data
def test_killed_data_build(forecast_exe, shared_data, out_dir, tmp_path, request):
    target = out_dir / "cases.csv"
    args = [forecast_exe, "data", "build", "--source", str(shared_data), "-o", str(target)]
    _interrupt([*args, "--no-progress"], target, tmp_path, _kills(request), seed=1)


def test_killed_report(forecast_exe, tiny_model_file, out_dir, tmp_path, request):
    target = out_dir / "taiwan.pdf"
    args = [forecast_exe, "report", str(SCENARIO), "--model", str(tiny_model_file)]
    _interrupt([*args, "-o", str(target)], target, tmp_path, _kills(request), seed=2)


@pytest.mark.parametrize("fmt", ["netcdf", "parquet", "csv"])
def test_killed_export(forecast_exe, tiny_model_file, out_dir, tmp_path, request, fmt):
    target = out_dir / ("posterior.nc" if fmt == "netcdf" else "posterior")
    args = [forecast_exe, "export", "--model", str(tiny_model_file), "--format", fmt]
    args += ["--scenario", str(SCENARIO), "-o", str(target)]
    _interrupt(args, target, tmp_path, _kills(request), seed=3)


def test_killed_fit(forecast_exe, out_dir, tmp_path, request):
    from forecast.cases import to_csv_text
    from forecast.model import simulate_cases

    cases = tmp_path / "sim.csv"
    cases.write_text(to_csv_text(simulate_cases(200, seed=3)[0]))
    target = out_dir / "m.nc"
    args = [forecast_exe, "fit", "--cases", str(cases), "-o", str(target), "--no-progress"]
    args += ["--draws", "20", "--tune", "20", "--chains", "1", "--seed", "1"]
    _interrupt(args, target, tmp_path, _kills(request), seed=4)
