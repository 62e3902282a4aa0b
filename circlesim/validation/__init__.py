"""Model validation: published patterns, Bass fitting, docking, ``circlesim validate``.

* :mod:`.measure` — one instrumented baseline replication and its raw measurements;
* :mod:`.patterns` — the patterns of DESIGN.md §5, their target bands and sources;
* :mod:`.bass` — the Bass curve and its fit;
* :mod:`.docking` — the independent cascade and the mass-media arm against references;
* :mod:`.runner` — replications, the checks and the report; :mod:`.cli` — the command;
* :mod:`.calibrate` — the reproducible search behind the calibrated defaults;
* :mod:`.docs` — writes ``docs/validation.md`` and its charts.

See ``docs/validation.md``. Submodules are imported on use (no heavy imports here).
"""

__all__ = ["run_validation"]


def run_validation(*args, **kwargs):
    """See :func:`circlesim.validation.runner.run_validation`."""
    from .runner import run_validation as run

    return run(*args, **kwargs)
