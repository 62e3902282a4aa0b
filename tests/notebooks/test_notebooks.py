"""The classroom lessons: ``notebooks/NN-name.py`` (jupytext percent format) and their paired
``NN-name.ipynb``.

Every lesson is executed from its ``.py`` with nbclient in a kernel of the interpreter running
pytest (a kernelspec in a temporary directory, so no installed kernel is needed), in a
temporary working directory. Any error — including a failed ``assert`` cell, which is how a
lesson checks the claims its text makes — fails the test. After the run, every image must have
been shown by ``circlesim.lessons.show`` (which refuses a figure without a title, human labels
and a 95% CI band over >= 20 seeds), and the answers the lesson records must equal those in
``docs/answer-key.md``. Other tests check that each pair is in sync, that the ``.ipynb`` is
stored without outputs, that lessons use only circlesim's public API, and the toolkit itself.
Any ``notebooks/NN-*.py`` is picked up automatically.
"""

from __future__ import annotations

import ast
import json
import os
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
LESSONS = sorted(p for p in NOTEBOOK_DIR.glob("[0-9][0-9]-*.py"))
#: The names a lesson may import from circlesim (its public API and the lessons toolkit).
PUBLIC_API = {"CommunityModel", "Member", "independent_cascade_overrides", "list_scenarios",
              "load_scenario", "PARAMETERS", "OUTPUT_COLUMNS", "lessons"}
#: Lessons owned by another room whose charts are not (yet) drawn with circlesim.lessons.show,
#: so the title/label/CI-band check of their images is skipped (they must still run and draw).
#: Remove an entry once the lesson uses kit.figure / kit.band / kit.show.
FIGURE_CHECK_EXEMPT: dict[str, str] = {}
#: Layers whose public modules a lesson may import (never the core's modules directly).
LAYERS = {"lessons", "claims", "fit", "sweep", "validation"}
MISSING = ("the lesson tests need jupytext, nbclient, nbformat, ipykernel, matplotlib and "
           "SALib: pip install -e '.[test,lessons]'")


def _need(module: str):
    """Import a module the lesson tests need; fail (not skip): CI must run the lessons."""
    try:
        return __import__(module)
    except ImportError as error:
        problem = str(error)
    pytest.fail(f"{MISSING} ({problem})", pytrace=False)


def _build():
    _need("jupytext")
    from circlesim.lessons import build

    return build


def _repo_files() -> set[str]:
    """Files in notebooks/ and docs/ (where a careless lesson would write its results)."""
    return {str(p.relative_to(ROOT)) for folder in (NOTEBOOK_DIR, ROOT / "docs")
            for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
            and ".ipynb_checkpoints" not in p.parts}


def test_there_are_the_lessons_and_no_generator():
    names = [p.stem for p in LESSONS]
    assert len(LESSONS) >= 10, names
    for topic in ("one-to-ten", "weak-centre", "emotion", "interest-replacement", "mass-media",
                  "sweeps", "two-way", "precision", "cap", "fragmentation"):
        assert any(topic in name for name in names), f"no lesson about {topic}: {names}"
    assert not (NOTEBOOK_DIR / "make_notebooks.py").exists(), "lessons are edited, not generated"
    strays = {p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")} - set(names)
    assert not strays, f"notebooks without a paired .py: {strays}"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_pair_is_in_sync(path: Path):
    build = _build()
    paired = path.with_suffix(".ipynb")
    assert paired.exists(), f"{paired.name} missing: run scripts/build-lessons --sync"
    text, notebook = build.read_lesson(path), build.read_lesson(paired)
    assert build.cell_signature(text) == build.cell_signature(notebook), (
        f"{path.name} and {paired.name} differ: run scripts/build-lessons --sync "
        "(the newer file wins)")
    formats = json.loads(paired.read_text(encoding="utf-8"))["metadata"]["jupytext"]["formats"]
    assert formats == "ipynb,py:percent"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_notebook_is_stored_without_outputs(path: Path):
    notebook = json.loads(path.with_suffix(".ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a code cell has outputs; strip them"
            assert cell.get("execution_count") is None, f"{path.name}: execution count stored"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_uses_only_the_public_api_and_the_toolkit(path: Path):
    cells = [c for c in _build().read_lesson(path).cells if c.cell_type == "code"]
    text = "\n".join(cell.source for cell in cells)
    assert "assert " in text, f"{path.name}: its claims should be asserted in code"
    assert "plt.show(" not in text, f"{path.name}: show figures with kit.show (it checks them)"
    for cell in cells:
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("circlesim"):
                names = {alias.name for alias in node.names}
                if node.module == "circlesim":
                    assert names <= PUBLIC_API, f"{path.name}: imports {names - PUBLIC_API}"
                else:  # a layer's public module (circlesim.fit, circlesim.claims, ...)
                    parts = node.module.split(".")
                    assert parts[1] in LAYERS and not any(p.startswith("_") for p in parts), (
                        f"{path.name}: imports {node.module}")
                    assert not any(n.startswith("_") for n in names), f"{path.name}: {names}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    assert parts[0] != "circlesim" or (
                        len(parts) == 1 or parts[1] in LAYERS), f"{path.name}: {alias.name}"
            elif isinstance(node, ast.Attribute):
                assert not node.attr.startswith("_"), f"{path.name}: private .{node.attr}"


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_draws_checked_figures_and_matches_the_answer_key(path: Path, tmp_path,
                                                                      monkeypatch):
    build = _build()
    for module in ("nbclient", "ipykernel", "matplotlib", "SALib"):
        _need(module)
    import nbclient

    notebook = build.read_lesson(path)
    before = _repo_files()
    for key, value in build.kernel_environment(tmp_path).items():
        monkeypatch.setenv(key, value)
    started = time.perf_counter()
    try:
        build.execute(notebook, tmp_path, timeout=240)
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{path.name} failed:\n{error}", pytrace=False)
    print(f"{path.name}: {time.perf_counter() - started:.1f} s")
    assert _repo_files() == before, "a lesson wrote files into the repository"

    shown = build.figures(notebook)
    assert len(shown) >= 2, f"{path.name} should draw charts, drew {len(shown)}"
    for facts in ([] if path.stem in FIGURE_CHECK_EXEMPT else shown):
        assert facts.get("title"), f"{path.name}: an image not shown by kit.show (no title check)"
        assert facts["uncertainty_artists"] >= 1 and facts["seeds"] >= 20, facts

    fresh = build.answers(notebook)
    key = build.read_answer_key().get(path.stem, [])
    problems = build.compare_answers(fresh, key)
    assert not problems, "\n".join(problems + ["regenerate with scripts/build-lessons"])


# --------------------------------------------------------------------------- the toolkit
def test_mean_ci_is_the_t_interval_and_difference_is_paired():
    import numpy as np
    from scipy import stats

    from circlesim import lessons as kit

    values = np.array([3.0, 5.0, 4.0, 6.0, 2.0])
    est = kit.mean_ci(values)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(),
                                 scale=stats.sem(values))
    assert est.mean == pytest.approx(4.0) and est.low == pytest.approx(low)
    assert est.high == pytest.approx(high) and est.n == 5
    assert format(est, ".1f") == f"4.0 (95% CI {low:.1f} to {high:.1f})"
    # paired: a constant shift has a zero-width interval even if the values vary a lot
    shift = kit.difference(values * 10 + 1, values * 10)
    assert shift.mean == pytest.approx(1.0) and shift.high - shift.low == pytest.approx(0.0)
    assert shift.above_zero and not kit.difference(values, values + 1).above_zero
    r = kit.ratio(values * 2, values)
    assert r.mean == pytest.approx(2.0) and r.low == pytest.approx(2.0)


def test_show_refuses_figures_without_title_labels_or_band():
    _need("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from circlesim import lessons as kit

    frame = pd.DataFrame({"step": [0, 1] * 20, "seed": sorted(list(range(20)) * 2),
                          "members": range(40)})
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("day")
    ax.set_ylabel("members")
    with pytest.raises(ValueError, match="title"):
        kit.check_figure(fig)
    fig, ax = kit.figure("Members")
    ax.plot([0, 1], [0, 1])
    kit.labels(ax, "day", "members")
    with pytest.raises(ValueError, match="uncertainty"):
        kit.check_figure(fig)
    fig, ax = kit.figure("Members")
    kit.band(ax, frame, "members", label="baseline")
    kit.labels(ax, "day", "mean_engagement")
    with pytest.raises(ValueError, match="raw name"):
        kit.check_figure(fig)
    fig, ax = kit.figure("Members")
    kit.band(ax, frame, "members", label="baseline")
    with pytest.raises(ValueError, match="axis label"):
        kit.check_figure(fig)
    kit.labels(ax, "day", "members (mean, 95% CI)")
    assert kit.check_figure(fig)["seeds"] == 20
    fig, ax = kit.figure("Too few seeds")
    kit.band(ax, frame[frame.seed < 5], "members")
    kit.labels(ax, "day", "members")
    with pytest.raises(ValueError, match="seeds"):
        kit.check_figure(fig)
    plt.close("all")


def test_answer_key_has_the_lessons_that_record_answers():
    build = _build()
    key = build.read_answer_key()
    stems = {p.stem for p in LESSONS}
    assert set(key) <= stems, f"answer key lists lessons that do not exist: {set(key) - stems}"
    with_exercises = [p.stem for p in LESSONS if "kit.answer(" in p.read_text(encoding="utf-8")]
    for stem in with_exercises:
        assert key.get(stem), f"{stem} records answers but the answer key has none for it"


def test_student_edition_drops_teacher_cells():
    build = _build()
    for path in LESSONS:
        notebook = build.read_lesson(path)
        student = build.student_edition(notebook)
        tagged = [c for c in notebook.cells if "teacher" in c.get("metadata", {}).get("tags", [])]
        assert len(student.cells) == len(notebook.cells) - len(tagged)
        assert not any("kit.answer(" in c.source for c in student.cells), (
            f"{path.name}: an answer cell is not tagged teacher")


def test_build_command_exists():
    script = ROOT / "scripts" / "build-lessons"
    assert script.exists() and os.access(script, os.X_OK)
    assert "circlesim.lessons.build" in script.read_text()


def test_lessons_quote_claims_the_atlas_has():
    """Every ``kit.atlas_note("id")`` names a claim of the atlas (once the atlas exists)."""
    import re

    from circlesim import lessons as kit

    data = kit.atlas()
    if data is None:
        pytest.skip("circlesim.claims (the atlas) is not installed in this tree yet")
    known = {claim["id"] for claim in data["claims"]}
    used = {name for path in LESSONS
            for name in re.findall(r'atlas_note\("([^"]+)"\)', path.read_text(encoding="utf-8"))}
    assert used, "the lessons should quote the atlas"
    assert used <= known, f"lessons quote claims the atlas does not have: {used - known}"
