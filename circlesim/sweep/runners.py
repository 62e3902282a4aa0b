"""Which functions a sweep spec may name as its ``runner``.

A spec file's ``runner = "..."`` is imported and called in every worker, so a spec file someone
sends you would be code. Therefore a spec may name only a *registered* runner, unless the user
passes ``--allow-code`` (``load_spec(path, allow_code=True)``):

- the built-in ones in :data:`RUNNERS` (``"model"``: one CommunityModel run, the default);
- those a package declares under the entry-point group ``circlesim.runners``, e.g. in its
  ``pyproject.toml``::

      [project.entry-points."circlesim.runners"]
      my-runner = "mypackage.runs:run_one"

A spec names a runner by its registered name (``runner = "my-runner"``) or by its target
(``runner = "mypackage.runs:run_one"``). A runner is called as
``runner(scenario, overrides, seed, steps)`` and returns the run's daily DataFrame.
Code that builds a :class:`~circlesim.sweep.spec.SweepSpec` itself may set any runner: that is
already code.
"""

from __future__ import annotations

from importlib.metadata import entry_points

__all__ = ["ENTRY_POINT_GROUP", "RUNNERS", "registered", "resolve"]

ENTRY_POINT_GROUP = "circlesim.runners"

#: built-in runners: name -> "package.module:function"
RUNNERS: dict[str, str] = {"model": "circlesim.sweep.worker:run_model"}


def registered() -> dict[str, str]:
    """Every registered runner, built in and from entry points: name -> target."""
    found = dict(RUNNERS)
    try:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            found.setdefault(ep.name, ep.value)
    except Exception:  # noqa: BLE001 - a broken installed distribution must not stop sweeps
        pass
    return found


def is_target(text: str) -> bool:
    """``text`` looks like ``package.module:function``."""
    return text.count(":") == 1 and all(
        part and all(seg.isidentifier() for seg in part.split("."))
        for part in text.split(":"))


def resolve(runner: object, where: str, allow_code: bool = False) -> str:
    """The ``package.module:function`` target a spec's ``runner`` stands for.

    Raises ``SpecError`` (one line naming ``where``) for a malformed value, or for an
    unregistered target unless ``allow_code``.
    """
    from .spec import SpecError

    known = registered()
    if not isinstance(runner, str) or not runner.strip():
        raise SpecError(f"{where}: runner must be the name of a registered runner "
                        f"({', '.join(sorted(known))})", "runner")
    runner = runner.strip()
    if runner in known:
        return known[runner]
    if runner in known.values():
        return runner
    if not is_target(runner):
        raise SpecError(f"{where}: runner {runner[:80]!r} is not a registered runner "
                        f"(registered: {', '.join(sorted(known))}); an unregistered one must "
                        "look like 'package.module:function'", "runner")
    if not allow_code:
        raise SpecError(
            f"{where}: runner {runner[:80]!r} is not a registered runner (registered: "
            f"{', '.join(sorted(known))}); it would run code from this spec file: register it "
            f"under the entry-point group '{ENTRY_POINT_GROUP}', or pass --allow-code if you "
            "trust the file", "runner")
    return runner
