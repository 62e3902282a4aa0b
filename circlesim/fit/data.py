"""Reading and checking a community's daily history (the DATA.csv of ``circlesim fit``).

The file is a CSV with a ``day`` column (whole numbers; day 0 is the day the simulated group
starts, so the first row is usually day 0 or day 1) and one or more daily output columns of the
model (:data:`circlesim.model.OUTPUT_COLUMNS`, e.g. ``joined``, ``members``, ``posts``,
``replies``, ``active_members``, ``left``), or ``messages`` (posts + replies, for chat exports
that do not tell them apart). Days may be missing (gaps are simply not fitted) and
a cell may be empty (that value is missing). Every problem raises :class:`DataError` with one
line naming the file, the column and what is allowed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import register_user_error
from ..model import OUTPUT_COLUMNS

__all__ = ["DERIVED", "DataError", "History", "FITTABLE_COLUMNS", "load_history", "history_from_frame"]

#: Columns a history may have that the model does not output directly, and how they are made
#: from its outputs (chat exports usually count messages without telling posts from replies).
DERIVED: dict[str, tuple[str, ...]] = {"messages": ("posts", "replies")}

#: Output columns a history may contain (every daily output except the day index itself, and
#: the derived columns).
FITTABLE_COLUMNS: tuple[str, ...] = (*(c for c in OUTPUT_COLUMNS if c != "step"), *DERIVED)


@register_user_error
class DataError(ValueError):
    """The data file is unusable. ``str(error)`` is one line for the user."""


@dataclass(frozen=True)
class History:
    """An observed daily history: ``frame`` has an int ``day`` column (sorted, unique) and
    float columns (NaN = missing)."""

    frame: pd.DataFrame
    source: str = "data"

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != "day"]

    @property
    def first_day(self) -> int:
        return int(self.frame["day"].iloc[0])

    @property
    def last_day(self) -> int:
        return int(self.frame["day"].iloc[-1])

    def split(self, fit_days: int | None) -> tuple[History, History]:
        """(fitted, held out): the first ``fit_days`` calendar days from the first day, and
        the rest."""
        if fit_days is None:
            return self, History(self.frame.iloc[0:0], self.source)
        cut = self.first_day + int(fit_days) - 1
        day = self.frame["day"]
        return (History(self.frame[day <= cut].reset_index(drop=True), self.source),
                History(self.frame[day > cut].reset_index(drop=True), self.source))


def load_history(path: str | os.PathLike) -> History:
    """Read and check a daily history CSV; raise :class:`DataError` (one line) if unusable."""
    name = os.fspath(path)
    if not os.path.isfile(name):
        raise DataError(f"{name}: no such file")
    try:
        frame = pd.read_csv(name, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"{name}: the file is empty (expected a header with 'day' and daily "
                        f"columns, then one row per day)") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{name}: not a readable CSV file ({' '.join(str(exc).split())[:120]})"
                        ) from None
    return history_from_frame(frame, source=name)


def history_from_frame(frame: pd.DataFrame, source: str = "data") -> History:
    """Check a data frame as :func:`load_history` does (e.g. ``model.to_frame()`` with ``step``
    renamed to ``day``)."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    if "day" not in frame.columns:
        raise DataError(f"{source}: no 'day' column (columns found: "
                        f"{', '.join(map(str, frame.columns)) or 'none'})")
    others = [c for c in frame.columns if c != "day"]
    if not others:
        raise DataError(f"{source}: no data column besides 'day'; allowed: "
                        f"{', '.join(FITTABLE_COLUMNS[:8])}, ...")
    for col in others:
        if col not in FITTABLE_COLUMNS:
            import difflib

            close = difflib.get_close_matches(col, FITTABLE_COLUMNS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise DataError(f"{source}: unknown column {col!r}{hint}; allowed: 'day' and the "
                            f"daily outputs {', '.join(FITTABLE_COLUMNS[:8])}, ... "
                            f"(see circlesim.model.OUTPUT_COLUMNS)")
    if len(frame) == 0:
        raise DataError(f"{source}: the file has a header but no rows")
    if len(set(frame.columns)) != len(frame.columns):
        raise DataError(f"{source}: a column name appears twice")
    out = {}
    for col in ["day", *others]:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() & frame[col].notna() & (frame[col].astype(str).str.strip() != "")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"{source}: column {col!r} row {row + 2}: {frame[col].iloc[row]!r} "
                            f"is not a number")
        values = values.astype(float)
        if not np.isfinite(values.dropna()).all():
            raise DataError(f"{source}: column {col!r} has an infinite value")
        if (values < 0).any():
            row = int(np.flatnonzero((values < 0).to_numpy())[0])
            raise DataError(f"{source}: column {col!r} row {row + 2}: {values.iloc[row]:g} is "
                            f"negative; daily counts are 0 or more")
        out[col] = values
    day = out["day"]
    if day.isna().any():
        raise DataError(f"{source}: column 'day' has an empty cell; every row needs its day")
    if not (day == day.round()).all():
        raise DataError(f"{source}: column 'day' must hold whole numbers (0, 1, 2, ...)")
    if day.duplicated().any():
        dup = int(day[day.duplicated()].iloc[0])
        raise DataError(f"{source}: day {dup} appears twice; one row per day")
    clean = pd.DataFrame(out)
    clean["day"] = clean["day"].astype(int)
    clean = clean.sort_values("day").reset_index(drop=True)
    if clean[others].notna().sum().sum() == 0:
        raise DataError(f"{source}: every data cell is empty")
    return History(clean, source)
