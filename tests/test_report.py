"""PDF scenario reports (forecast.report) and the scenario figures (forecast.plots)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from forecast import ForecastError, ScenarioError, __version__, plots
from forecast import model as fm
from forecast import report as rp
from forecast.coalition import predict
from forecast.report import placement
from forecast.scenario import load_scenario

matplotlib.use("Agg")

ROOT = Path(__file__).parent.parent
BALTIC = ROOT / "data" / "scenarios" / "baltic.toml"
EPOCH = "1767225600"  # 2026-01-01 00:00:00 UTC


@pytest.fixture(scope="module")
def sim(tiny_sim):
    return tiny_sim  # conftest: the table of the session's shared tiny fit


@pytest.fixture(scope="module")
def model_file(tiny_model_file):
    return tiny_model_file  # conftest: the shared tiny fit, saved (copy it before changing it)


@pytest.fixture(scope="module")
def fit(model_file):
    return fm.load(model_file)


@pytest.fixture(scope="module")
def prediction(fit, sim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        return predict(fit, load_scenario(BALTIC), draws=1000, seed=3, cases=sim[0])


@pytest.fixture(scope="module")
def pdf(fit, prediction, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        path = rp.write_report(prediction, fit, tmp_path_factory.mktemp("report") / "r.pdf")
    return path


@pytest.fixture(scope="module")
def text(pdf):
    reader = PdfReader(pdf)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _pct(p):
    return f"{100 * p:.0f}%"


FOOTER = re.compile(r"forecast \S+ · .*? · \d{4}-\d\d-\d\d page \d+ of \d+")


def _body(path):
    """The PDF's text with whitespace collapsed and the page footers removed."""
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]
    return " ".join(FOOTER.sub(" ", page) for page in pages).replace("  ", " ")


# ---------------------------------------------------------------------------------------------
# the document


def test_pdf_opens_with_pages_metadata_and_page_numbers(pdf, text):
    reader = PdfReader(pdf)
    n = len(reader.pages)
    assert n >= 3
    meta = reader.metadata
    assert meta.title == "Baltic 2026: who comes to Estonia's aid?"
    assert meta.creator == f"forecast {__version__}"
    assert meta.author and "Estonia" in meta.subject
    assert meta["/CreationDate"].startswith("D:20260101000000")
    for k in range(1, n + 1):
        assert f"page {k} of {n}" in text


def test_text_holds_every_responder_and_the_json_numbers(prediction, text):
    d = prediction.to_dict()
    page_one = text.split("page 1 of")[0]
    for r in d["responders"]:
        assert r["responder"] in page_one
        for level in (
            "p_diplomatic_plus",
            "p_material_plus",
            "p_military",
            "p_sided_with_aggressor",
        ):
            v = r[level]
            expected = f"{_pct(v['mean'])} ({100 * v['lower']:.0f}–{_pct(v['upper'])})"
            assert expected == rp.format_interval(v["mean"], v["lower"], v["upper"])
            assert expected in page_one, (r["responder"], level, expected)
    c = d["coalition"]
    assert f"comes to Estonia's military aid is {_pct(c['p_any'])}" in page_one
    pool = [r for r in d["responders"] if r["pool"] == "target"]  # not Belarus
    assert len(pool) == len(d["responders"]) - 1
    assert f"the chance that all {len(pool)} do is {_pct(c['p_all'])}" in page_one
    a = d["aggressor_side"]
    assert f"at least one listed state fights for Russia is {_pct(a['p_any'])}" in page_one
    assert f"than for Russia is {_pct(d['p_target_side_larger'])}" in page_one
    assert "and Belarus as a possible helper of Russia" in page_one
    assert f"none does is {_pct(c['p_none'])}" in page_one
    assert f"On average {c['expected_size']:.1f} of the" in page_one
    for item in c["most_likely"]:
        members = ", ".join(item["members"]) or "nobody"
        assert f"{members} {item['size']} {_pct(item['probability'])}" in text
    assert "Russia attacks Estonia in 2026" in page_one


def test_figures_are_vector_form_xobjects_on_figure_pages(pdf):
    reader = PdfReader(pdf)
    forms_per_page = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        forms = [x for x in xobjects.values() if x.get_object()["/Subtype"] == "/Form"]
        forms_per_page.append(len(forms))
    assert forms_per_page[0] == 0  # page one is text and tables
    assert sum(forms_per_page) == 4  # responders, sizes, conditional, coalitions
    assert forms_per_page[1] >= 1
    # vectors, not pictures: no raster image anywhere
    assert all(not page.images for page in reader.pages)


def _fonts(resources, seen):
    fonts = resources.get("/Font", {})
    for f in fonts.values():
        f = f.get_object()
        seen.append(f)
    for x in resources.get("/XObject", {}).values():
        x = x.get_object()
        if "/Resources" in x:
            _fonts(x["/Resources"].get_object(), seen)


def test_every_font_is_embedded(pdf):
    seen = []
    for page in PdfReader(pdf).pages:
        _fonts(page["/Resources"].get_object(), seen)
    assert seen
    for font in seen:
        desc = font.get("/FontDescriptor")
        if desc is None:  # composite font: the descriptor sits on the descendant
            desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        desc = desc.get_object()
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


def test_same_inputs_and_source_date_epoch_give_identical_bytes(
    fit, prediction, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    a = rp.write_report(prediction, fit, tmp_path / "a.pdf").read_bytes()
    b = rp.write_report(prediction, fit, tmp_path / "b.pdf").read_bytes()
    assert a == b
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    c = rp.write_report(prediction, fit, tmp_path / "c.pdf").read_bytes()
    assert c != a
    assert PdfReader(tmp_path / "c.pdf").metadata["/CreationDate"].startswith("D:20260102")


def test_bad_source_date_epoch_is_a_forecast_error(fit, prediction, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ForecastError, match="SOURCE_DATE_EPOCH"):
        rp.write_report(prediction, fit, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) not installed")
def test_page_one_renders(pdf, tmp_path):
    r = subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    png = sorted(tmp_path.glob("p*.png"))
    assert png and png[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------------------------
# convergence, evaluation, analogues


def test_unconverged_fit_gets_the_red_warning_box(fit, text):
    assert not fit.converged
    assert text.count("WARNING: THE MODEL DID NOT CONVERGE") == 2  # page one and model section
    assert "Broken rules:" in text


def test_converged_fit_has_no_warning_box(fit, prediction, tmp_path):
    diag = dataclasses.replace(
        fit.diagnostics, max_rhat=1.0, min_ess_bulk=900.0, min_ess_tail=800.0, converged=True
    )
    good_fit = dataclasses.replace(fit, diagnostics=diag)
    good = dataclasses.replace(prediction, converged=True)
    path = rp.write_report(good, good_fit, tmp_path / "ok.pdf")
    body = _body(path)
    assert "DID NOT CONVERGE" not in body
    assert "1.000" in body and "900 / 800" in body


def test_model_and_data_section(fit, text):
    assert fit.data_hash in text.replace(" ", "")
    assert f"{fit.n_cases:,}" in text
    datasets = ["COW Inter-State War", "MID) 4.3", "ATOP) 5.1", "Boix-Miller-Rosato"]
    datasets += ["National Material Capabilities", "Direct Contiguity", "Major Powers"]
    for dataset in datasets:
        assert dataset in text, dataset
    assert "No out-of-sample evaluation was supplied" in text
    assert "shared" in text and "cannot know" in text  # the method note


def test_analogues_table_says_what_happened(prediction, text):
    assert "Historical analogues" in text
    first = prediction.analogues.iloc[0]
    assert str(first["conflict"]) in text
    assert re.search(r"fought on the|stayed out|did not fight|diplomatic|material", text)


def test_reasons_page_lists_each_responders_strongest_reasons(prediction, text):
    assert "Why these numbers" in text
    flat = " ".join(text.split())
    top = prediction.reasons().iloc[0]
    assert f"{top['meaning']} {top['contribution']:+.1f}" in flat


def _evaluation_doc(data_hash):
    from forecast.evaluate import FORMAT, reliability_table

    rng = np.random.default_rng(0)
    p = rng.random(200)
    y = (rng.random(200) < p).astype(int)
    rel = reliability_table(p, y).assign(predictor="model")
    scores = {
        name: {"brier": b, "log_score": 0.4, "rps": 0.2, "auc": 0.7, "ece": 0.03, "n": 200}
        for name, b in (("model", 0.111), ("base_rate", 0.222), ("logistic", 0.15))
    }
    return {
        "format": FORMAT,
        "data_hash": data_hash,
        "settings": {"scheme": "conflict"},
        "converged": True,
        "folds": [{"fold": 0}, {"fold": 1}],
        "scores": scores,
        "reliability": rel.to_dict("records"),
    }


def test_evaluation_scores_and_reliability_figure(fit, prediction, tmp_path):
    import json

    doc = _evaluation_doc(fit.data_hash)
    (tmp_path / "evaluation.json").write_text(json.dumps(doc), encoding="utf-8")
    path = rp.write_report(
        prediction, fit, tmp_path / "e.pdf", evaluation=tmp_path / "evaluation.json"
    )
    reader = PdfReader(path)
    body = _body(path)
    assert "conflict scheme, 2 folds" in body
    assert "this model 0.111" in body and "base rate 0.222" in body
    assert "pooled logistic regression 0.150" in body
    forms = sum(len(p["/Resources"].get("/XObject", {})) for p in reader.pages)
    assert forms == 5  # the reliability diagram joins the four scenario figures


@pytest.mark.parametrize(
    "content, reason",
    [("{not json", "could not be read"), ('{"format": "x"}', "no scores table")],
)
def test_unreadable_evaluation_is_mentioned_not_raised(fit, prediction, tmp_path, content, reason):
    bad = tmp_path / "evaluation.json"
    bad.write_text(content, encoding="utf-8")
    path = rp.write_report(prediction, fit, tmp_path / "e.pdf", evaluation=bad)
    body = _body(path)
    assert reason in body


def test_cases_info_lines_appear(fit, prediction, tmp_path):
    info = {"case table": "simulated (tests)", "attacks": "99"}
    path = rp.write_report(prediction, fit, tmp_path / "i.pdf", cases_info=info)
    body = _body(path)
    assert "simulated (tests)" in body and "attacks" in body


def test_prediction_from_another_case_table_is_refused(fit, prediction, tmp_path):
    other = dataclasses.replace(prediction, data_hash="sha256:other")
    with pytest.raises(ValueError, match="predict with this fit"):
        rp.write_report(other, fit, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


# ---------------------------------------------------------------------------------------------
# atomic writes and the convenience entry point


def test_error_mid_write_leaves_no_file(fit, prediction, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    # write_report looks _place_figures up on forecast.report.placement at call time
    monkeypatch.setattr(placement, "_place_figures", boom)
    out = tmp_path / "sub" / "r.pdf"
    with pytest.raises(RuntimeError, match="disk on fire"):
        rp.write_report(prediction, fit, out)
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # no temporary file left behind
    out.write_bytes(b"old report")
    with pytest.raises(RuntimeError):
        rp.write_report(prediction, fit, out)
    assert out.read_bytes() == b"old report"


def test_report_fails_on_a_bad_scenario_before_loading_a_model(tmp_path, monkeypatch):
    import forecast.workflow

    def no_model(*args, **kwargs):
        raise AssertionError("the model must not be loaded for a bad scenario")

    monkeypatch.setattr(forecast.workflow, "ensure_model", no_model)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nyear = 2026\naggressor = "Atlantis"\n', encoding="utf-8")
    out = tmp_path / "r.pdf"
    with pytest.raises(ScenarioError):
        rp.report(bad, tmp_path / "missing.nc", out)
    with pytest.raises(ScenarioError):
        rp.report(tmp_path / "nope.toml", tmp_path / "missing.nc", out)
    assert not out.exists()


def test_report_fails_on_a_missing_or_corrupt_model(tmp_path, model_file):
    out = tmp_path / "r.pdf"
    with pytest.raises(ForecastError, match="no such model"):
        rp.report(BALTIC, tmp_path / "missing.nc", out)
    corrupt = tmp_path / "corrupt.nc"
    corrupt.write_bytes(model_file.read_bytes()[:2000])
    with pytest.raises(ForecastError):
        rp.report(BALTIC, corrupt, out)
    assert not out.exists()


def test_report_end_to_end_default_output_and_evaluation(model_file, fit, tmp_path, monkeypatch):
    import json

    folder = tmp_path / "models"
    folder.mkdir()
    model = folder / "tiny.nc"
    shutil.copy(model_file, model)
    (folder / "evaluation.json").write_text(json.dumps(_evaluation_doc("sha256:x")), "utf-8")
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        path = rp.report(BALTIC, model)
    assert path == Path("reports") / "baltic.pdf"
    assert (tmp_path / "reports" / "baltic.pdf").is_file()
    body = _body(path)
    assert "this model 0.111" in body
    assert "used a different case table" in body
    assert "the embedded case table (data/cases.csv), which is not the table" in body


# ---------------------------------------------------------------------------------------------
# number formats and figures


def test_number_formats():
    assert rp.format_percent(0.344) == "34%"
    assert rp.format_percent(0.004) == "0%"
    assert rp.format_percent(None) == "n/a"
    assert rp.format_interval(0.34, 0.12, 0.561) == "34% (12–56%)"


def test_plot_functions_draw_on_given_axes_and_return_them(prediction):
    cases = [
        (plots.plot_responders, prediction.responders_frame()),
        (plots.plot_coalition_sizes, prediction.coalition_size),
        (plots.plot_coalition_sizes, pd.Series([0.5, 0.3, 0.2])),
        (plots.plot_conditional, prediction.conditional()),
        (plots.plot_coalitions, prediction.coalitions(5)),
    ]
    for fn, data in cases:
        fig = Figure()
        ax = fig.add_subplot()
        assert fn(data, ax=ax) is ax
        assert ax.has_data()
    labels = [t.get_text() for t in plots.plot_responders(
        prediction.responders_frame(), ax=Figure().add_subplot()).get_yticklabels()]  # fmt: skip
    assert labels == list(prediction.responders)


def test_plot_functions_refuse_wrong_inputs():
    ax = Figure().add_subplot()
    with pytest.raises(ValueError, match="lacks column"):
        plots.plot_responders(pd.DataFrame({"responder": ["A"]}), ax=ax)
    with pytest.raises(ValueError, match="non-empty"):
        plots.plot_coalition_sizes([], ax=ax)
    with pytest.raises(ValueError, match="square"):
        plots.plot_conditional(pd.DataFrame(np.zeros((2, 3))), ax=ax)
    with pytest.raises(ValueError, match="lacks column"):
        plots.plot_coalitions(pd.DataFrame({"members": [()]}), ax=ax)


def test_long_coalitions_are_shortened():
    label = plots._coalition_label([f"State number {k}" for k in range(12)])
    assert "more" in label and len(label.splitlines()) <= 2
    assert plots._coalition_label(()) == "nobody"
