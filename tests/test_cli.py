"""The installed console script: exit codes and messages (DESIGN.md "Command line")."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).parent.parent


def run(exe, *args, cwd=None):
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def run_here(capfd, *args):
    """Run the command line in this process (``forecast.cli.main``, what the console script
    calls); capture what reaches the file descriptors, as from a subprocess."""
    from forecast.cli import main

    capfd.readouterr()  # drop anything written before
    code = main(list(map(str, args)))
    out, err = capfd.readouterr()
    return subprocess.CompletedProcess(["forecast", *map(str, args)], code, out, err)


@pytest.fixture
def stand_in_folds(monkeypatch, stand_in_fit):
    """Each fold's MCMC fit replaced by conftest's unconverged stand-in; records the calls."""
    from forecast.evaluate import runner

    calls: list[dict] = []

    def fit_model(train, **kw):
        return stand_in_fit(train, calls=calls, converged=False, **kw)

    monkeypatch.setattr(runner, "_fit_model", fit_model)
    return calls


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


def test_devices_and_fifos_are_refused_not_read(forecast_exe, tmp_path):
    """Regressions: /dev/zero was read until memory ran out, a FIFO hung."""
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path in ("/dev/zero", fifo):
        r = subprocess.run(
            [forecast_exe, "data", "check", str(path)], capture_output=True, text=True, timeout=60
        )
        assert "not a regular file" in _single_error_line(r)


def test_usage_errors_exit_2(forecast_exe):
    assert "No such command" in _single_error_line(run(forecast_exe, "data", "chek"))
    assert "Missing argument" in _single_error_line(run(forecast_exe, "data", "check"))


@pytest.mark.parametrize(
    "args",
    [
        ["predict", "data/scenarios/taiwan.toml", "--seed", "-1"],
        ["predict", "data/scenarios/taiwan.toml", "--seed", str(2**32)],
        ["predict", "data/scenarios/taiwan.toml", "--draws", "99999999999999999999"],
        ["fit", "--tune", "\uff11\uff10"],  # full-width digits
        ["evaluate", "--folds", "1"],
    ],
    ids=["negative-seed", "huge-seed", "huge-draws", "full-width-tune", "one-fold"],
)
def test_numbers_on_the_command_line_are_checked(capfd, args):
    """Regressions (issue 17): each exited 1 from numpy, or was accepted silently."""
    assert "Invalid value" in _single_error_line(run_here(capfd, *args))


def test_usage_errors_are_one_line(capfd, tmp_path):
    """Regressions: no subcommand exited 2 with nothing on stderr; click's message for a
    missing choice option ran over four lines."""
    for args in ([], ["data"]):
        r = run_here(capfd, *args)
        assert "needs a command" in _single_error_line(r) and "Usage" in r.stdout
    line = _single_error_line(run_here(capfd, "export", "-o", tmp_path / "x"))
    assert "Missing option '--format'" in line and "netcdf, parquet, csv" in line


def test_version_and_help(forecast_exe):
    r = run(forecast_exe, "--version")
    assert r.returncode == 0 and "forecast" in r.stdout
    r = run(forecast_exe, "--help")
    assert r.returncode == 0 and "data" in r.stdout


def test_fit_command(forecast_exe, tmp_path):
    from forecast.cases import to_csv_text
    from forecast.model import SAMPLER_DEFAULTS, load, simulate_cases

    cases, _ = simulate_cases(300, seed=3)
    path = tmp_path / "sim.csv"
    path.write_text(to_csv_text(cases))
    out = tmp_path / "m.nc"
    args = ["fit", "--cases", path, "-o", out, "--draws", 30, "--tune", 30, "--chains", 1]
    r = run(forecast_exe, *args, "--seed", 1, "--thin", 3, "--no-progress")
    assert r.returncode == 0, r.stderr
    assert out.exists() and "300 cases" in r.stdout
    saved = load(out)  # every third of the 30 draws
    assert saved.sampler["thin"] == 3 and saved.idata["posterior"].sizes["draw"] == 10
    # another table than the embedded one: the sampler's own defaults, not the default fit's
    expected = SAMPLER_DEFAULTS[saved.sampler["name"]]
    assert saved.sampler["target_accept"] == expected["target_accept"]
    assert saved.sampler["adaptation"] == expected.get("adaptation")
    assert "NOT CONVERGED" in r.stderr  # 30 draws cannot meet the ESS rule: said loudly
    # a bad case table: exit 2, one line, and no model written
    bad = tmp_path / "bad.csv"
    bad.write_text(to_csv_text(cases).replace(",war,", ",battle,", 1))
    out2 = tmp_path / "none.nc"
    r = run(forecast_exe, "fit", "--cases", bad, "-o", out2)
    assert _single_error_line(r) and not out2.exists()


@pytest.fixture(scope="module")
def tiny_model(tiny_model_file):
    return tiny_model_file  # conftest: the session's shared tiny fit, saved


def test_predict_json_is_one_document(forecast_exe, tiny_model):
    import json

    r = run(forecast_exe, "predict", ROOT / "data/scenarios/korea.toml", "--model", tiny_model,
            "--format", "json", "--draws", 500)  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)  # one document, nothing else on stdout
    names = [x["responder"] for x in doc["responders"]]
    assert "United States" in names and doc["draws"] == 500
    assert 0 <= doc["coalition"]["p_any"] <= 1
    assert doc["model"]["converged"] is False
    assert "NOT CONVERGED" in r.stderr


def test_predict_csv_and_table(forecast_exe, tiny_model):
    scenario = ROOT / "data/scenarios/armenia.toml"
    r = run(forecast_exe, "predict", scenario, "--model", tiny_model, "--format", "csv")
    assert r.returncode == 0 and r.stdout.splitlines()[0].count(",") >= 3
    r = run(forecast_exe, "predict", scenario, "--model", tiny_model)
    assert r.returncode == 0 and "Russia" in r.stdout and "P(anyone" in r.stdout


def test_predict_bad_inputs_exit_2(forecast_exe, tiny_model, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nyear = 2026\naggressor = "Rusia"\ntarget = "Estonia"\n'
                   'responders = ["Finland"]\n')  # fmt: skip
    line = _single_error_line(run(forecast_exe, "predict", bad, "--model", tiny_model))
    assert "did you mean Russia" in line and "bad.toml" in line
    missing = tmp_path / "nope.nc"
    line = _single_error_line(
        run(forecast_exe, "predict", ROOT / "data/scenarios/korea.toml", "--model", missing)
    )
    assert "no such model" in line
    corrupt = tmp_path / "corrupt.nc"
    corrupt.write_bytes(b"CDF\x01garbage")
    line = _single_error_line(
        run(forecast_exe, "predict", ROOT / "data/scenarios/korea.toml", "--model", corrupt)
    )
    assert "corrupt.nc" in line


def _evaluate_json(r, tmp_path, out):
    import json

    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert json.loads(out.read_text()) == doc
    assert (tmp_path / "p.csv").exists() and (out.parent / "evaluation-reliability.svg").exists()
    for scale in ("war", "dispute"):  # reliability per crisis scale
        assert (out.parent / f"evaluation-reliability-{scale}.svg").stat().st_size > 0
    assert "NOT CONVERGED" in r.stderr
    return doc


def _evaluate_json_args(tmp_path):
    from forecast.cases import to_csv_text
    from forecast.model import simulate_cases

    cases, _ = simulate_cases(300, seed=4)
    path = tmp_path / "sim.csv"
    path.write_text(to_csv_text(cases))
    out = tmp_path / "ev" / "evaluation.json"
    settings = ["--folds", 2, "--draws", 20, "--tune", 20, "--chains", 1, "--format", "json"]
    pred = tmp_path / "p.csv"
    return ["evaluate", "--cases", path, *settings, "-o", out, "--predictions", pred], out


def test_evaluate_json_logic(capfd, stand_in_folds, tmp_path):
    """``forecast evaluate --format json`` in this process, with stand-in (unconverged) fits."""
    args, out = _evaluate_json_args(tmp_path)
    doc = _evaluate_json(run_here(capfd, *args), tmp_path, out)
    assert len(stand_in_folds) == 2 and [f["fold"] for f in doc["folds"]] == [0, 1]
    for call, fold in zip(stand_in_folds, doc["folds"], strict=True):
        assert call["settings"] == {
            "draws": 20,
            "tune": 20,
            "chains": 1,
            "seed": fold["seed"],
            "target_accept": 0.95,  # the conflict scheme's sampler settings
            "adaptation": "draw_diag",
        }
    assert doc["settings"]["adaptation"] == "draw_diag"
    assert doc["settings"]["target_accept"] == 0.95
    assert doc["converged"] is False
    # the output says which folds did not converge, and why
    r_hat = "max r-hat 1.2000 > 1.01"
    assert all(r_hat in f["problems"] and "3 divergent" in f["problems"] for f in doc["folds"])


def test_evaluate_defaults_are_the_converged_length_and_the_warning_names_folds(
    capfd, stand_in_folds, tmp_path
):
    from forecast.model.defaults import EVALUATION_FIT

    args, _ = _evaluate_json_args(tmp_path)
    short = args.index("--draws")
    args = args[:short] + args[short + 6 :]  # drop --draws/--tune/--chains and their values
    r = run_here(capfd, *args)
    assert r.returncode == 0, r.stderr
    expected = {k: EVALUATION_FIT["conflict"][k] for k in ("draws", "tune", "chains")}
    assert all(c["settings"] | expected == c["settings"] for c in stand_in_folds)
    # the temporal scheme: its own length, nutpie's own adaptation and a higher target_accept
    stand_in_folds.clear()
    scheme = args.index("--folds")
    r = run_here(capfd, *args[:scheme], "--scheme", "temporal", *args[scheme + 2 :])
    assert r.returncode == 0, r.stderr
    expected = {k: EVALUATION_FIT["temporal"][k] for k in ("draws", "tune", "chains")}
    expected["target_accept"] = 0.97
    assert stand_in_folds
    assert all(set(c["settings"]) == {*expected, "seed"} for c in stand_in_folds)
    assert all(c["settings"] | expected == c["settings"] for c in stand_in_folds)
    err = " ".join(r.stderr.split())
    assert "fold 0: max r-hat 1.2000 > 1.01" in err and "fold 1:" in err


@pytest.mark.slow
def test_evaluate_json(forecast_exe, tmp_path):
    # slow: real fits in a fresh process (~15 s); the logic runs by default in
    # test_evaluate_json_logic (stand-in fits, in process)
    args, out = _evaluate_json_args(tmp_path)
    _evaluate_json(run(forecast_exe, *args), tmp_path, out)


def _temporal_on_the_embedded_table(r, tmp_path, cases):
    import json

    import forecast

    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc == json.loads((tmp_path / "models" / "evaluation-temporal.json").read_text())
    years = cases["year"].astype(int)
    folds = doc["folds"]
    assert [f["n_train"] for f in folds] == [(years <= 1945).sum(), (years <= 1991).sum()]
    assert [f["n_test"] for f in folds] == [years.between(1946, 1991).sum(), (years >= 1992).sum()]
    assert set(doc["scores"]) == {"model", "base_rate", "obligation_rate", "logistic"}
    assert {s["n"] for s in doc["scores"].values()} == {int((years >= 1946).sum())}
    assert doc["data_hash"] == forecast.model.data_hash(cases)
    return doc


TEMPORAL_SETTINGS = ["--draws", 30, "--tune", 30, "--chains", 1, "--format", "json"]


def test_evaluate_temporal_on_the_embedded_table_logic(
    capfd, stand_in_folds, tmp_path, monkeypatch, embedded_cases
):
    """The real table end to end in this process, each fold's fit a stand-in."""
    monkeypatch.chdir(tmp_path)
    r = run_here(capfd, "evaluate", "--scheme", "temporal", *TEMPORAL_SETTINGS)
    doc = _temporal_on_the_embedded_table(r, tmp_path, embedded_cases)
    assert [len(call["years"]) for call in stand_in_folds] == [f["n_train"] for f in doc["folds"]]
    assert [call["years"].max() for call in stand_in_folds] == [1945, 1991]
    assert all(c["settings"]["draws"] == 30 for c in stand_in_folds)
    assert "NOT CONVERGED" in r.stderr


def test_evaluate_backtest_on_the_embedded_table_logic(
    capfd, stand_in_folds, tmp_path, monkeypatch
):
    """Twelve crises, each left out of its fit; JSON, the figure and the warning."""
    import json

    from forecast.evaluate import CRISES

    monkeypatch.chdir(tmp_path)
    r = run_here(capfd, "evaluate", "--scheme", "backtest", *TEMPORAL_SETTINGS)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc == json.loads((tmp_path / "models" / "evaluation-backtest.json").read_text())
    assert (tmp_path / "models" / "evaluation-backtest-crises.svg").stat().st_size > 0
    assert [c["crisis"] for c in doc["crises"]] == [c.name for c in CRISES]
    assert len(stand_in_folds) == len(CRISES)
    for call, crisis in zip(stand_in_folds, CRISES, strict=True):
        assert crisis.conflict_id not in call["conflicts"]  # left out of its own fit
        # the given length, nutpie's settings of the backtest (the conflict folds')
        assert call["settings"] | {"draws": 30, "target_accept": 0.9} == call["settings"]
        assert call["settings"]["adaptation"] == "draw_diag"
    assert doc["settings"]["adaptation"] == "draw_diag" and doc["settings"]["draws"] == 30
    assert {r["crisis"] for r in doc["rows"]} == {c.name for c in CRISES}
    assert doc["converged"] is False and "NOT CONVERGED" in r.stderr


@pytest.mark.slow
def test_evaluate_temporal_on_the_embedded_table(forecast_exe, tmp_path, embedded_cases):
    """The real table end to end, at settings a CI run affords (short, unconverged fits)."""
    # slow: two real fits on the embedded table in a fresh process (~40 s); the same
    # assertions run by default in test_evaluate_temporal_on_the_embedded_table_logic
    r = run(forecast_exe, "evaluate", "--scheme", "temporal", *TEMPORAL_SETTINGS, cwd=tmp_path)
    _temporal_on_the_embedded_table(r, tmp_path, embedded_cases)


def test_export_formats(forecast_exe, tiny_model, tmp_path):
    scenario = ROOT / "data/scenarios/korea.toml"
    for fmt, dest in (("netcdf", tmp_path / "x.nc"), ("parquet", tmp_path / "pq")):
        r = run(forecast_exe, "export", "--model", tiny_model, "--scenario", scenario,
                "--format", fmt, "-o", dest)  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert dest.exists()
    r = run(
        forecast_exe, "export", "--model", tiny_model, "--format", "csv", "-o", tmp_path / "x.nc"
    )
    assert "not a directory" in _single_error_line(r)
    r = run(forecast_exe, "export", "--model", tiny_model, "--format", "xls", "-o", tmp_path / "y")
    assert "xls" in _single_error_line(r)


def test_card_command_adds_each_saved_evaluation(forecast_exe, tiny_model, tmp_path):
    import json
    import shutil

    model = tmp_path / "m.nc"
    shutil.copy(tiny_model, model)
    scores = {
        "model": {"brier": 0.02, "log_score": 0.10, "ece": 0.01},
        "base_rate": {"brier": 0.04, "log_score": 0.20, "ece": 0.0},
        "logistic": {"brier": 0.025, "log_score": 0.12, "ece": 0.02},
    }
    reliability = [
        {
            "predictor": "model",
            "lower": 0.0,
            "n": 90,
            "mean_predicted": 0.02,
            "observed_rate": 0.0,
        },
        {
            "predictor": "model",
            "lower": 0.3,
            "n": 10,
            "mean_predicted": 0.35,
            "observed_rate": 0.2,
        },
    ]
    for name, scheme in (
        ("evaluation.json", "conflict"),
        ("evaluation-temporal.json", "temporal"),
    ):
        doc = {"settings": {"scheme": scheme}, "scores": scores, "reliability": reliability}
        doc["scores_by_scale"] = [
            {"scale": "war", "side": "target", "predictor": p, "brier": b, "log_score": 0.2,
             "auc": a, "n": 100, "n_events": 8}
            for p, b, a in (("model", 0.05, 0.9), ("base_rate", 0.08, 0.5))
        ]  # fmt: skip
        doc["scores_by_role"] = [
            {"role": "entered", "predictor": "model", "brier": 0.07, "log_score": 0.3,
             "auc": 0.6, "mean_predicted": 0.0125, "observed_rate": 0.0709, "n": 959}
        ]  # fmt: skip
        doc["goals"] = [
            {"goal": "brier_ratio", "value": 0.625, "lower": 0.55, "upper": 0.7,
             "own_share": 0.5, "target": 0.8, "met": True, "n": 100},
            {"goal": "auc", "value": 0.9, "target": 0.85, "met": True, "n": 100},
        ]  # fmt: skip
        (tmp_path / name).write_text(json.dumps(doc))
    (tmp_path / "evaluation-broken.json").write_text("{not json")  # left out, not fatal
    r = run(forecast_exe, "card", "--model", model)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "README.md").read_text()
    assert "(2 evaluation(s))" in r.stdout
    assert "## Out-of-sample performance (conflict scheme)" in text
    assert "## Out-of-sample performance (temporal scheme)" in text
    # the words are computed from the scores: 0.02 / 0.04 and 0.02 / 0.025
    assert "Against the base rate: Brier 0.500 times its score, log score 0.500 times" in text
    assert "Against the pooled logistic regression: Brier 0.800 times" in text
    # the headline: war-scale crises, with the goals
    assert "| model | 0.05000 | 0.2000 | 0.900 | 100 | 8 |" in text
    assert "| Brier over the base rate's | 0.625 | 0.550 to 0.700 | 0.500 | 0.80 | yes |" in text
    assert "| AUC | 0.900 | – | – | 0.85 | yes |" in text  # a goal without its interval
    assert "| entered | 0.07000 | 0.3000 | 0.600 | 0.0125 | 0.0709 | 959 |" in text
    assert "90.0% of held-out predictions are below 0.1; the 10 at or above 0.1 had a " in text
    assert "mean prediction of 0.35, and 2 of them (20%) fought" in text
    assert text.index("(conflict scheme)") < text.index("(temporal scheme)")
    r = run(forecast_exe, "card", "--model", tmp_path / "absent.nc")
    assert _single_error_line(r)


def test_summary_json_on_a_table_with_empty_groups(forecast_exe, small_csv):
    import json

    r = run(forecast_exe, "data", "summary", small_csv, "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)  # one JSON document; NaN rates of empty groups are null
    rates = doc["invoked_rates"]
    assert {x["partner"] for x in rates} == {"target", "aggressor", "either"}
    empty = [x for x in rates if x["commitments"] == 0]
    assert empty and all(x["honored_rate"] is None for x in empty)


def test_v1_table_names_missing_columns_and_the_rebuild(forecast_exe, small_table, tmp_path):
    from forecast.cases import V2_COLUMNS

    v1 = tmp_path / "v1.csv"
    small_table.drop(columns=list(V2_COLUMNS)).to_csv(v1, index=False)
    r = run(forecast_exe, "data", "check", v1)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "schema v1" in lines[0] and "forecast data build" in lines[0]
