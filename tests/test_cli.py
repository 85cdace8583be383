"""The installed console script: exit codes and messages (DESIGN.md "Command line")."""

from __future__ import annotations

import subprocess

import pandas as pd


def run(exe, *args, cwd=None):
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_check_valid_table(forecast_exe, small_csv):
    r = run(forecast_exe, "data", "check", small_csv)
    assert r.returncode == 0, r.stderr
    assert "4 rows, 2 conflicts, years 1939-2022" in r.stdout
    assert r.stderr == ""


def test_check_three_errors_three_lines(forecast_exe, small_table, tmp_path):
    bad = small_table.copy()
    bad.loc[0, "year"] = "1700"
    bad.loc[1, "obligation"] = "pact"
    bad.loc[3, "source"] = ""
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    r = run(forecast_exe, "data", "check", path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert lines == [
        f"{path}:2:year: 1700 is outside 1816..{pd.Timestamp.today().year}",
        f"{path}:3:obligation: 'pact' is not one of "
        "none, consultation, nonaggression, neutrality, offense, defense",
        f"{path}:5:source: required value is empty",
    ]
    assert "Traceback" not in r.stderr


def _single_error_line(r):
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    return lines[0]


def test_missing_empty_binary_and_non_csv(forecast_exe, tmp_path):
    assert "no such case table" in _single_error_line(
        run(forecast_exe, "data", "check", tmp_path / "nope.csv")
    )
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "is empty" in _single_error_line(run(forecast_exe, "data", "check", empty))
    binary = tmp_path / "model.nc"
    binary.write_bytes(b"\x89HDF\r\n\x1a\n\x00\x00\x00binary")
    assert "binary" in _single_error_line(run(forecast_exe, "data", "check", binary))
    other = tmp_path / "notes.csv"
    other.write_text('{"json": true}\n[1, 2, 3]\n')
    assert "not a case table" in _single_error_line(run(forecast_exe, "data", "check", other))
    assert "is a directory" in _single_error_line(run(forecast_exe, "data", "check", tmp_path))


def test_usage_errors_exit_2(forecast_exe):
    assert "No such command" in _single_error_line(run(forecast_exe, "data", "chek"))
    assert "Missing argument" in _single_error_line(run(forecast_exe, "data", "check"))


def test_version_and_help(forecast_exe):
    r = run(forecast_exe, "--version")
    assert r.returncode == 0 and "forecast" in r.stdout
    r = run(forecast_exe, "--help")
    assert r.returncode == 0 and "data" in r.stdout


def test_fit_command(forecast_exe, tmp_path):
    from forecast.cases import to_csv_text
    from forecast.model import simulate_cases

    cases, _ = simulate_cases(300, seed=3)
    path = tmp_path / "sim.csv"
    path.write_text(to_csv_text(cases))
    out = tmp_path / "m.nc"
    args = ["fit", "--cases", path, "-o", out, "--draws", 30, "--tune", 30, "--chains", 1]
    r = run(forecast_exe, *args, "--seed", 1, "--no-progress")
    assert r.returncode == 0, r.stderr
    assert out.exists() and "300 cases" in r.stdout
    assert "NOT CONVERGED" in r.stderr  # 30 draws cannot meet the ESS rule: said loudly
    # a bad case table: exit 2, one line, and no model written
    bad = tmp_path / "bad.csv"
    bad.write_text(to_csv_text(cases).replace(",war,", ",battle,", 1))
    out2 = tmp_path / "none.nc"
    r = run(forecast_exe, "fit", "--cases", bad, "-o", out2)
    assert _single_error_line(r) and not out2.exists()
