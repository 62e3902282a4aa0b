"""LICENSE, CITATION.cff and the documentation index: present, valid, and pointing at files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_license_is_mit_as_pyproject_says():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]


def test_citation_cff_has_the_required_fields_of_cff_1_2():
    yaml = pytest.importorskip("yaml")  # PyYAML comes with jupytext (the notebooks extra)
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert data.get(key), f"CITATION.cff lacks {key}"
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names"))
               for a in data["authors"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(data["date-released"]))
    assert data["license"] == "MIT"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{data["version"]}"' in pyproject


def test_docs_index_lists_every_document_and_lesson():
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for name in ("odd.md", "validation.md", "claims.md", "teacher-guide.md", "worksheet.md",
                 "answer-key.md", "fitting.md"):
        assert f"({name})" in index, f"docs/index.md does not link {name}"
    for lesson in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.py")):
        assert f"../notebooks/{lesson.name}" in index, f"docs/index.md lacks {lesson.name}"
    for target in re.findall(r"\]\(([^)#]+)\)", index):
        path = (ROOT / "docs" / target).resolve()
        assert path.exists(), f"docs/index.md links a missing file: {target}"
