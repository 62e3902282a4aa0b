"""Build the lessons: pair and sync, execute, HTML copies, the answer key.

The source of each lesson is ``notebooks/NN-name.py`` (jupytext percent format, the file a
teacher edits); its paired ``NN-name.ipynb`` is stored without outputs. One command
(``scripts/build-lessons``) does everything::

    python -m circlesim.lessons.build            # sync pairs, execute all, HTML, answer key
    python -m circlesim.lessons.build --sync     # only write the .ipynb of every .py
    python -m circlesim.lessons.build 03 07      # only lessons 03 and 07 (key kept for others)
    python -m circlesim.lessons.build --jobs 2   # two lessons at a time

Outputs (ignored by git) in ``build/lessons/``: ``teacher/NN-name.html`` (with the answer
cells), ``student/NN-name.html`` and ``student/NN-name.ipynb`` (answer cells removed, for
handing out). ``docs/answer-key.md`` is rewritten from the answers the lessons record with
:func:`circlesim.lessons.answer` (and the text of their ``teacher`` cells).

Needs the ``lessons`` extra (jupytext, nbclient, nbconvert, ipykernel, matplotlib).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import ANSWER_KEY, FIGURE_KEY

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ANSWER_FILE = ROOT / "docs" / "answer-key.md"
OUT = ROOT / "build" / "lessons"
TEACHER_TAG = "teacher"
KERNEL_NAME = "circlesim-lessons"
CELL_TIMEOUT = 300
LESSON_PATTERN = re.compile(r"^(\d\d)-[\w-]+\.py$")
_JSON_START, _JSON_END = "<!-- answers-json", "-->"


def lesson_sources(folder: Path = NOTEBOOKS) -> list[Path]:
    """Every lesson source, ``NN-name.py``, in order."""
    return sorted(p for p in folder.glob("*.py") if LESSON_PATTERN.match(p.name))


def read_lesson(path: Path):
    """The lesson at ``path`` (``.py`` or ``.ipynb``) as an nbformat notebook."""
    import jupytext

    return jupytext.read(path)


def cell_signature(notebook) -> list[tuple[str, str, tuple[str, ...]]]:
    """What must agree between the two files of a pair: cell type, source and tags."""
    return [(cell.cell_type, cell.source.strip(),
             tuple(sorted(cell.get("metadata", {}).get("tags", []))))
            for cell in notebook.cells]


def write_pair(path: Path) -> Path:
    """Bring the pair of lesson ``path`` in sync, from whichever file was saved last.

    A teacher may edit the ``.py`` (any editor) or the ``.ipynb`` (Jupyter, with or without
    jupytext). The newer file wins; the ``.ipynb`` is always written without outputs.
    """
    import jupytext

    target = path.with_suffix(".ipynb")
    source = target if target.exists() and target.stat().st_mtime > path.stat().st_mtime \
        else path
    notebook = read_lesson(source)
    notebook.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    if source is target:
        jupytext.write(notebook, path, fmt="py:percent")
    jupytext.write(notebook, target, fmt="ipynb")
    return target


def kernel_manager(kernel_dir: Path):
    """A kernel manager whose only kernelspec runs ipykernel in this very interpreter."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec_dir = kernel_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "circlesim lessons", "language": "python",
    }))
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir / "kernels")],
                              ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def kernel_environment(scratch: Path) -> dict[str, str]:
    """Environment for the kernel: inline charts, fixed hashing, Jupyter files in scratch."""
    return {"MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYTHONHASHSEED": "0",
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "IPYTHONDIR": str(scratch / "ipython")}


def execute(notebook, scratch: Path, timeout: int = CELL_TIMEOUT):
    """Execute ``notebook`` in place in a fresh kernel, working directory ``scratch/work``.

    The caller sets :func:`kernel_environment` in ``os.environ`` (the kernel inherits it).
    Raises ``nbclient.exceptions.CellExecutionError`` when a cell fails.
    """
    import nbclient

    work = scratch / "work"
    work.mkdir(parents=True, exist_ok=True)
    client = nbclient.NotebookClient(notebook, km=kernel_manager(scratch / "jupyter"),
                                     timeout=timeout,
                                     resources={"metadata": {"path": str(work)}})
    client.execute()
    return notebook


def _outputs(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            yield cell, cell.get("outputs", [])


def figures(notebook) -> list[dict[str, Any]]:
    """Every image output: its checked facts (``{}`` for an image not shown by kit.show)."""
    found = []
    for _, outputs in _outputs(notebook):
        for out in outputs:
            if "image/png" in out.get("data", {}):
                found.append(dict(out.get("metadata", {}).get(FIGURE_KEY, {})))
    return found


def answers(notebook) -> list[dict[str, Any]]:
    """The answers an executed lesson recorded with :func:`circlesim.lessons.answer`."""
    return [dict(out["metadata"][ANSWER_KEY]) for _, outputs in _outputs(notebook)
            for out in outputs if ANSWER_KEY in out.get("metadata", {})]


def student_edition(notebook):
    """A copy without the cells tagged ``teacher`` (the answers)."""
    copy_ = copy.deepcopy(notebook)
    copy_.cells = [cell for cell in copy_.cells
                   if TEACHER_TAG not in cell.get("metadata", {}).get("tags", [])]
    return copy_


def to_html(notebook, title: str) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


# --------------------------------------------------------------------------- answer key
def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    return a == b


def compare_answers(fresh: list[dict], expected: list[dict]) -> list[str]:
    """Differences between a fresh run's answers and the answer key's, one line each."""
    problems = []
    want = {a["key"]: a for a in expected}
    got = {a["key"]: a for a in fresh}
    for key in sorted(set(want) | set(got)):
        if key not in got:
            problems.append(f"answer {key} is in the answer key but the lesson no longer "
                            "records it")
        elif key not in want:
            problems.append(f"answer {key} is missing from the answer key")
        elif not _same(got[key]["value"], want[key]["value"]):
            problems.append(f"answer {key}: a fresh run gives {got[key]['text']}, the answer "
                            f"key says {want[key]['text']}")
    return problems


def read_answer_key(path: Path = ANSWER_FILE) -> dict[str, list[dict]]:
    """The answers stored in the answer key, by lesson file stem."""
    text = path.read_text(encoding="utf-8")
    start = text.index(_JSON_START) + len(_JSON_START)
    end = text.index(_JSON_END, start)
    return json.loads(text[start:end])


def _teacher_texts(notebook) -> list[str]:
    return [cell.source.strip() for cell in notebook.cells
            if cell.cell_type == "markdown"
            and TEACHER_TAG in cell.get("metadata", {}).get("tags", [])]


def _title(notebook, stem: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return stem


def render_answer_key(results: dict[str, dict[str, Any]]) -> str:
    """The teacher's answer key (Markdown) with a machine-readable block at the end."""
    lines = [
        "# Answer key (teacher edition)",
        "",
        "Expected answers to the lesson exercises for the **fixed seeds** the lessons use "
        "(seeds 0-19 unless an exercise says otherwise). Every number is a mean over the seeds "
        "with its 95% confidence interval, computed by the lesson's own answer cells (tagged "
        "`teacher`; they are removed from the student edition). If a student's number differs, "
        "they changed a parameter or a seed: that is the point of the exercise, not an error.",
        "",
        "Regenerate with `scripts/build-lessons` after any change to the model or a lesson; "
        "`tests/notebooks` fails when a fresh run no longer matches this file.",
        "",
    ]
    for stem in sorted(results):
        result = results[stem]
        lines += [f"## {result['title']}", "", f"Notebook: `notebooks/{stem}.py`", ""]
        if result["answers"]:
            lines += ["| Exercise | Question | Expected (fixed seeds) |", "|---|---|---|"]
            for a in result["answers"]:
                question = a["question"].replace("|", "\\|")
                lines.append(f"| {a['key']} | {question} | {a['text']}"
                             + (f" — {a['note']}" if a.get("note") else "") + " |")
            lines.append("")
        for text in result.get("teacher_notes", []):
            lines += [text, ""]
    data = {stem: results[stem]["answers"] for stem in sorted(results)}
    lines += [_JSON_START, json.dumps(data, indent=1, sort_keys=True), _JSON_END, ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- command
def _run_one(path: Path, html: bool) -> dict[str, Any]:
    """Execute one lesson in a fresh kernel; its answers, notes, timing and HTML copies."""
    notebook = read_lesson(path)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        saved = {k: os.environ.get(k) for k in kernel_environment(Path(tmp))}
        os.environ.update(kernel_environment(Path(tmp)))
        try:
            execute(notebook, Path(tmp))
        except Exception as error:  # reported by the caller, which exits 1
            return {"stem": path.stem, "error": str(error)}
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    result = {"stem": path.stem, "seconds": time.perf_counter() - started,
              "title": _title(notebook, path.stem), "answers": answers(notebook),
              "teacher_notes": _teacher_texts(notebook), "figures": len(figures(notebook))}
    if html:
        import nbformat

        for edition, nb in (("teacher", notebook), ("student", student_edition(notebook))):
            folder = OUT / edition
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{path.stem}.html").write_text(to_html(nb, path.stem), encoding="utf-8")
        nbformat.write(student_edition(read_lesson(path)), OUT / "student" / f"{path.stem}.ipynb")
    return result


def build(only: list[str] | None = None, html: bool = True, jobs: int = 1) -> int:
    sources = lesson_sources()
    chosen = [p for p in sources if not only or p.name[:2] in only or p.stem in only]
    if not chosen:
        print(f"build-lessons: no lesson matches {only}; lessons are "
              f"{[p.stem for p in sources]}", file=sys.stderr)
        return 2
    for path in sources:
        write_pair(path)
    previous = {}
    if ANSWER_FILE.exists():
        try:
            previous = read_answer_key()
        except (ValueError, json.JSONDecodeError):
            previous = {}
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(_run_one, chosen, [html] * len(chosen)))
    else:
        outcomes = [_run_one(path, html) for path in chosen]
    results: dict[str, dict[str, Any]] = {}
    failed = []
    for outcome in outcomes:
        if "error" in outcome:
            failed.append(outcome["stem"])
            print(f"{outcome['stem']}: FAILED\n{outcome['error']}", file=sys.stderr)
            continue
        results[outcome["stem"]] = outcome
        print(f"{outcome['stem']}: {outcome['seconds']:.1f} s, {outcome['figures']} figures, "
              f"{len(outcome['answers'])} answers")
    # keep the key of lessons not rebuilt this time (or failed), titles from their sources
    for path in sources:
        if path.stem not in results and path.stem in previous:
            notebook = read_lesson(path)
            results[path.stem] = {"title": _title(notebook, path.stem),
                                  "answers": previous[path.stem],
                                  "teacher_notes": _teacher_texts(notebook)}
    ANSWER_FILE.write_text(render_answer_key(results), encoding="utf-8")
    print(f"wrote {ANSWER_FILE.relative_to(ROOT)}" + (f" and {OUT.relative_to(ROOT)}/"
                                                      if html else ""))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build-lessons", description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers or names (default: all)")
    parser.add_argument("--sync", action="store_true",
                        help="only write the .ipynb paired with each notebooks/NN-name.py")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML copies")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="execute N lessons at a time (default 1)")
    args = parser.parse_args(argv)
    try:
        import jupytext  # noqa: F401
        import nbclient  # noqa: F401
        if not args.no_html and not args.sync:
            import nbconvert  # noqa: F401
    except ImportError as error:
        print(f"build-lessons: {error.name} is missing; install the lessons extra: "
              "pip install -e \".[lessons]\"", file=sys.stderr)
        return 2
    if args.sync:
        for path in lesson_sources():
            print(f"wrote {write_pair(path).relative_to(ROOT)}")
        return 0
    return build(args.lessons or None, html=not args.no_html, jobs=max(1, args.jobs))


if __name__ == "__main__":
    raise SystemExit(main())
