"""The results directory: Parquet parts, a consolidated table and a JSON manifest.

Layout of ``DIR``::

    DIR/manifest.json       spec, versions, root seed, per-run status / error / seconds
    DIR/runs.parquet        one tidy table: the identity columns (ID_COLUMNS: run_id, scenario,
                            point, replication, seed), every parameter, step, every metric
                            column (one row per run and day)
    DIR/parts/*.parquet     results written while the sweep runs, one part every few seconds
                            (deleted once runs.parquet holds them)
    DIR/sensitivity.*       SALib indices, for designs
    DIR/report/             summary.csv and PNG charts from ``circlesim report``

Every file is written to a temporary name in the same directory, flushed and fsync'ed, then
``os.replace``'d over its final name, so a sweep killed at any instant leaves either the old
file or the new one, never a torn one. Parts are committed *before* the manifest that mentions
them, and on start the store trusts what is in the Parquet files (not the manifest) to decide
which runs are done; a run's rows are never written twice, and if they somehow were (a kill
between two renames), consolidation keeps the first copy only.

The next runs.parquet is written while the sweep runs (:class:`RunsStream`, a temporary
``.runs.parquet.*.tmp`` that nothing reads): what the directory held first, then the new runs
in plan order; at the end it replaces runs.parquet and the parts are deleted. If that writer
gives up (see its notes), the parts are folded at the end instead (:meth:`consolidate`).
Parts are snappy-compressed (fast), runs.parquet zstd (small); both with dictionary pages and
min/max statistics for the identity, parameter and ``step`` columns only (:func:`encoding`).
The manifest is rewritten every ten seconds or so while runs finish (sooner after a failure)
and at the end.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from circlesim.errors import atomic_write, atomic_write_bytes, atomic_write_text

__all__ = ["DamagedResults", "ResultStore", "RunsStream", "atomic_write_bytes", "atomic_write_text",
           "damage_of", "load_results"]

MANIFEST = "manifest.json"
RUNS = "runs.parquet"
PARTS = "parts"
#: the identity of a run, in front of every row of the results (the package's one set)
ID_COLUMNS = ("run_id", "scenario", "point", "replication", "seed")


class DamagedResults(ValueError):
    """A file of a results directory is damaged; ``str(err)`` is one line naming it."""


def damage_of(path: Path) -> str | None:
    """Why the Parquet file ``path`` cannot be used (None if it can): unreadable, truncated,
    not Parquet, or without a ``run_id`` column. Reads the footer and the run_id column."""
    try:
        meta = pq.ParquetFile(path)
        if "run_id" not in meta.schema_arrow.names:
            return "it has no run_id column"
        pq.read_table(path, columns=["run_id"])
    except (OSError, pa.ArrowException, ValueError) as err:
        text = " ".join(str(err).split())[:160] or type(err).__name__
        return f"not a readable Parquet file ({text})"
    return None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


#: runs.parquet is compressed with zstd (small); parts, which live only until the sweep
#: ends, with snappy (fast)
PART_COMPRESSION = "snappy"


def encoding(schema: pa.Schema, compression: str = "zstd") -> dict:
    """Writer options for a results table: dictionary pages and min/max statistics only for
    the identity, parameter and ``step`` columns (few distinct values, what readers filter
    on); the metric columns are plain, without statistics (a dictionary of distinct floats is
    wasted work). Same values and types either way; about a third cheaper to write."""
    from circlesim.outputs import OUTPUT_COLUMNS

    metrics = set(OUTPUT_COLUMNS) - {"step"}
    keys = [n for n in schema.names if n not in metrics]
    return {"compression": compression, "use_dictionary": keys, "write_statistics": keys}


def atomic_write_table(path: str | os.PathLike, table: pa.Table, **options) -> None:
    with atomic_write(path) as tmp:
        pq.write_table(table, tmp, **(options or {"compression": "zstd"}))


class ResultStore:
    def __init__(self, directory: str | os.PathLike):
        self.dir = Path(directory)
        self.parts_dir = self.dir / PARTS
        self.manifest_path = self.dir / MANIFEST
        self.runs_path = self.dir / RUNS

    # ------------------------------------------------------------------ set-up

    def prepare(self) -> None:
        if self.dir.exists() and not self.dir.is_dir():
            raise NotADirectoryError(f"{self.dir}: exists and is not a directory")
        self.parts_dir.mkdir(parents=True, exist_ok=True)

    def clean_temporary(self) -> None:
        """Leftovers of a killed writer: temporary files are never valid data (call locked)."""
        for folder in (self.dir, self.parts_dir):
            for tmp in folder.glob(".*.tmp"):
                try:
                    tmp.unlink()
                except OSError:
                    pass

    def lock(self):
        """Exclusive lock on DIR/.lock while a sweep writes (released by the kernel on a kill)."""
        import fcntl

        fh = open(self.dir / ".lock", "a+")  # noqa: SIM115 - held until the sweep ends
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise BlockingIOError(
                f"{self.dir}: another sweep is writing to this directory right now; wait for it "
                "or use another --out"
            ) from None
        return fh

    def exists(self) -> bool:
        return self.manifest_path.exists()

    # ------------------------------------------------------------------ manifest

    def load_manifest(self) -> dict | None:
        """The manifest, checked for shape; raises DamagedResults naming the file."""
        if not self.manifest_path.exists():
            return None
        where = str(self.manifest_path)
        try:
            manifest = json.loads(self.manifest_path.read_text("utf-8"))
        except UnicodeDecodeError:
            raise DamagedResults(f"{where}: damaged manifest (not UTF-8 text); move it away or "
                                 "use another folder") from None
        except ValueError as err:
            raise DamagedResults(f"{where}: damaged manifest (not valid JSON: {err}); move it "
                                 "away or use another folder") from None
        except RecursionError:
            raise DamagedResults(f"{where}: damaged manifest (nested too deeply)") from None
        except OSError as err:
            raise DamagedResults(f"{where}: cannot read: {err.strerror or err}") from None
        problem = _manifest_problem(manifest)
        if problem:
            raise DamagedResults(f"{where}: damaged manifest ({problem}); move it away or use "
                                 "another folder")
        return manifest

    def damaged_files(self) -> list[tuple[Path, str]]:
        """Data files that cannot be read, with the reason."""
        out = []
        for f in self.data_files():
            reason = damage_of(f)
            if reason:
                out.append((f, reason))
        return out

    def set_aside_damaged(self) -> list[tuple[Path, Path, str]]:
        """Rename every damaged data file to ``NAME.damaged-<time>`` (kept for inspection, never
        read again); their runs count as missing and are redone. Call while locked."""
        moved = []
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        for f, reason in self.damaged_files():
            target = f.with_name(f"{f.name}.damaged-{stamp}-{uuid.uuid4().hex[:4]}")
            os.replace(f, target)
            moved.append((f, target, reason))
        if moved:
            _fsync_dir(self.dir)
        return moved

    def write_manifest(self, manifest: dict) -> None:
        manifest["updated"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=1, default=str) + "\n")

    # ------------------------------------------------------------------ data

    def data_files(self) -> list[Path]:
        files = [self.runs_path] if self.runs_path.exists() else []
        if self.parts_dir.exists():
            files += sorted(self.parts_dir.glob("part-*.parquet"))
        return files

    def stored_run_ids(self) -> set[str]:
        """Run ids whose rows are committed to a Parquet file (the source of truth)."""
        ids: set[str] = set()
        for f in self.data_files():
            try:
                col = pq.read_table(f, columns=["run_id"]).column("run_id")
            except (OSError, pa.ArrowException, KeyError):
                continue  # unreadable -> treat its runs as missing (they rerun)
            ids.update(col.unique().to_pylist())
        return ids

    def write_part(self, tables: Iterable) -> Path | None:
        """Commit finished runs (pyarrow Tables or DataFrames) as one new part file."""
        tables = [pa.Table.from_pandas(t, preserve_index=False) if isinstance(t, pd.DataFrame)
                  else t for t in tables]
        tables = [t for t in tables if t.num_rows]
        if not tables:
            return None
        table = pa.concat_tables(tables, promote_options="permissive")
        name = f"part-{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:6]}.parquet"
        path = self.parts_dir / name
        atomic_write_table(path, table, **encoding(table.schema, PART_COMPRESSION))
        return path

    def stream(self, order: dict[str, int] | None = None) -> RunsStream:
        """A :class:`RunsStream` that builds the next runs.parquet while the sweep runs."""
        return RunsStream(self, order)

    def consolidate(self, order: dict[str, int] | None = None) -> int:
        """Fold runs.parquet and all parts into a new runs.parquet; returns the row count.

        Streams one source file at a time (memory ~ one part), drops any run already seen,
        and sorts each file's rows by plan order and step. Parts are deleted only after the
        new runs.parquet is in place.
        """
        files = self.data_files()
        parts = [f for f in files if f != self.runs_path]
        if not parts:
            return self._row_count()
        readable = []
        schemas = []
        for f in files:
            try:
                schemas.append(pq.read_schema(f))
                readable.append(f)
            except (OSError, pa.ArrowException):
                continue
        if not readable:
            return 0
        schema = pa.unify_schemas(schemas, promote_options="permissive")
        schema = pa.schema([schema.field(n) for n in _column_order(schema.names)])
        tmp = _tmp_name(self.runs_path)
        seen: set[str] = set()
        rows = 0
        # sources ordered by their first run in the plan, so the file is nearly plan-ordered
        keyed = []
        for f in readable:
            ids = pq.read_table(f, columns=["run_id"]).column("run_id").unique().to_pylist()
            first = min((order or {}).get(i, 1 << 60) for i in ids) if ids else 1 << 60
            keyed.append((f != self.runs_path, first, str(f), f))
        keyed.sort()
        try:
            with pq.ParquetWriter(tmp, schema, **encoding(schema)) as writer:
                for _, _, _, f in keyed:
                    if f == self.runs_path:
                        # the earlier consolidated table: already ordered, stream it
                        for batch in pq.ParquetFile(f).iter_batches(batch_size=1 << 16):
                            table = pa.Table.from_batches([batch])
                            seen.update(table.column("run_id").unique().to_pylist())
                            writer.write_table(_conform(table, schema))
                            rows += table.num_rows
                        continue
                    table = pq.read_table(f)
                    ids = table.column("run_id").to_pylist()
                    new_ids = {i for i in ids if i not in seen}
                    if len(new_ids) != len(set(ids)):
                        mask = pa.array([i in new_ids for i in ids])
                        table = table.filter(mask)
                    if table.num_rows == 0:
                        continue
                    seen.update(new_ids)
                    table = _in_order(_conform(table, schema), order or {})
                    writer.write_table(table, row_group_size=1 << 16)
                    rows += table.num_rows
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, self.runs_path)
        finally:
            if tmp.exists():
                tmp.unlink()
        _fsync_dir(self.dir)
        for f in parts:
            try:
                f.unlink()
            except OSError:
                pass
        return rows

    def _row_count(self) -> int:
        if not self.runs_path.exists():
            return 0
        return pq.ParquetFile(self.runs_path).metadata.num_rows

    def read(self, columns: list[str] | None = None, filters=None) -> pd.DataFrame:
        return load_results(self.dir, columns=columns, filters=filters)


class RunsStream:
    """The next ``runs.parquet``, written while the sweep runs instead of after it.

    Folding the parts into runs.parquet at the end (:meth:`ResultStore.consolidate`) reads and
    re-encodes every row while the workers sit idle: about 2 ms a run, as much as a fast run
    itself. This writer does that work as results come in, in the sweep process, while the
    workers compute: ``add(position, runs, table)`` takes each batch of the plan's runs still
    to do, in any order, and appends them to a temporary file in plan order (a batch waits
    until every batch before it has come in, so a fresh sweep's file is in plan order). The
    first write copies what the directory already held (runs.parquet, parts of an earlier,
    interrupted sweep). :meth:`finish` puts the file in place of runs.parquet and deletes
    the parts it covers.

    The parts stay the record of what is done: the temporary file is never read and is
    deleted by a kill's clean-up (``clean_temporary``). Whenever this writer cannot go on (a
    table whose columns do not fit the file's, too many batches waiting for a slow one, any
    error) it gives up quietly and :meth:`finish` returns False: the caller then consolidates
    the parts as before.
    """

    ROWS = 1 << 15  # rows per row group written
    MAX_WAITING_BYTES = 256 << 20  # batches held back for plan order

    def __init__(self, store: ResultStore, order: dict[str, int] | None = None):
        self.store = store
        self.order = order or {}
        self.tmp = _tmp_name(store.runs_path)
        self.old_files = store.data_files()
        self.new_parts: list[Path] = []
        self.writer = None
        self.schema: pa.Schema | None = None
        self.waiting: dict[int, tuple[int, pa.Table | None]] = {}
        self.waiting_bytes = 0
        self.next = 0
        self.queued: list[pa.Table] = []
        self.queued_rows = 0
        self.alive = True

    def add(self, position: int, runs: int, table: pa.Table | None) -> None:
        """The batch of ``runs`` runs starting at ``position`` (in the runs to do) finished;
        ``table`` holds the rows of those that succeeded (None if none did)."""
        if not self.alive:
            return
        try:
            self.waiting[position] = (runs, table)
            self.waiting_bytes += table.nbytes if table is not None else 0
            while self.next in self.waiting:
                runs, table = self.waiting.pop(self.next)
                self.next += runs
                if table is not None and table.num_rows:
                    self.waiting_bytes -= table.nbytes
                    self.queued.append(table)
                    self.queued_rows += table.num_rows
            if self.queued_rows >= self.ROWS:
                self._write()
            if self.waiting_bytes > self.MAX_WAITING_BYTES:
                self.abort()
        except Exception:  # noqa: BLE001 - the parts are the record; consolidate them later
            self.abort()

    def covers(self, part: Path | None) -> None:
        """``part`` was written this sweep with rows that were also given to :meth:`add`."""
        if part is not None:
            self.new_parts.append(part)

    def _open(self, first: pa.Schema) -> None:
        schemas, readable = [first], []
        for f in self.old_files:
            try:
                schemas.append(pq.read_schema(f))
                readable.append(f)
            except (OSError, pa.ArrowException):
                continue
        schema = pa.unify_schemas(schemas, promote_options="permissive")
        self.schema = pa.schema([schema.field(n) for n in _column_order(schema.names)])
        self.writer = pq.ParquetWriter(self.tmp, self.schema, **encoding(self.schema))
        seen: set[str] = set()
        for f in readable:  # runs.parquet first (data_files order), then the old parts
            if f == self.store.runs_path:
                for batch in pq.ParquetFile(f).iter_batches(batch_size=1 << 16):
                    table = pa.Table.from_batches([batch])
                    seen.update(table.column("run_id").unique().to_pylist())
                    self._write_table(table)
                continue
            table = pq.read_table(f)
            ids = table.column("run_id").to_pylist()
            new_ids = {i for i in ids if i not in seen}
            if len(new_ids) != len(set(ids)):
                table = table.filter(pa.array([i in new_ids for i in ids]))
            seen.update(new_ids)
            if table.num_rows:
                self._write_table(_in_order(table, self.order))

    def _write_table(self, table: pa.Table) -> None:
        if not table.schema.equals(self.schema):
            extra = set(table.column_names) - set(self.schema.names)
            if extra:
                raise ValueError(f"columns {sorted(extra)[:3]} are not in the file")
            if set(table.schema) == set(self.schema):  # the same columns in another order
                table = table.select(self.schema.names)
            else:
                table = _conform(table, self.schema)
        self.writer.write_table(table, row_group_size=max(self.ROWS, table.num_rows))

    def _write(self) -> None:
        if not self.queued:
            return
        table = pa.concat_tables(self.queued, promote_options="permissive")
        self.queued, self.queued_rows = [], 0
        if self.writer is None:
            self._open(table.schema)
        self._write_table(table)

    def finish(self, total: int) -> bool:
        """Write what is left, close the file and put it in place of runs.parquet, once all
        ``total`` runs to do have been added; delete the parts it covers. False (and nothing
        changed) if this writer gave up or did not see every run."""
        if not self.alive or self.waiting or self.next != total:
            self.abort()
            return False
        try:
            self._write()
            if self.writer is None:  # nothing new was written: nothing to gain
                self.abort()
                return False
            self.writer.close()
            self.writer = None
            with open(self.tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(self.tmp, self.store.runs_path)
        except Exception:  # noqa: BLE001
            self.abort()
            return False
        self.alive = False
        _fsync_dir(self.store.dir)
        for f in [*self.old_files, *self.new_parts]:
            if f != self.store.runs_path:
                try:
                    f.unlink()
                except OSError:
                    pass
        return True

    def abort(self) -> None:
        """Give up: close and delete the temporary file (the parts are untouched)."""
        self.alive = False
        self.waiting.clear()
        self.queued = []
        if self.writer is not None:
            try:
                self.writer.close()
            except Exception:  # noqa: BLE001
                pass
            self.writer = None
        try:
            self.tmp.unlink()
        except OSError:
            pass


def _in_order(table: pa.Table, order: dict[str, int]) -> pa.Table:
    """The rows sorted by plan order and step (unless they already are)."""
    if not order:
        return table
    key = np.array([order.get(i, 1 << 60) for i in table.column("run_id").to_pylist()],
                   dtype=np.int64)
    step = table.column("step").to_numpy()
    if len(key) < 2 or bool(np.all((key[1:] > key[:-1])
                                   | ((key[1:] == key[:-1]) & (step[1:] > step[:-1])))):
        return table
    table = table.append_column("__order", pa.array(key))
    table = table.sort_by([("__order", "ascending"), ("step", "ascending")])
    return table.drop_columns(["__order"])


def _manifest_problem(manifest: Any) -> str | None:
    if not isinstance(manifest, dict):
        return f"expected a JSON object, got {type(manifest).__name__}"
    for key in ("spec", "runs"):
        if key in manifest and not isinstance(manifest[key], dict):
            return f"{key!r} must be an object, got {type(manifest[key]).__name__}"
    if "runs" not in manifest:
        return "no 'runs'"
    bad = next((rid for rid, info in manifest["runs"].items() if not isinstance(info, dict)),
               None)
    if bad is not None:
        return f"run {str(bad)[:60]!r} is not an object"
    spec = manifest.get("spec", {})
    for key, kind in (("grid", dict), ("set", dict), ("design", dict), ("scenarios", list)):
        if spec.get(key) is not None and not isinstance(spec[key], kind):
            return f"spec {key!r} must be {'an object' if kind is dict else 'a list'}"
    seed = manifest.get("root_seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        return "root_seed must be a whole number"
    design = spec.get("design")
    if design is not None and not isinstance(design.get("method"), str):
        return "spec design has no method"
    return None


def _column_order(names: list[str]) -> list[str]:
    head = [c for c in ID_COLUMNS if c in names]
    return head + [c for c in names if c not in head]


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    if table.schema.equals(schema):
        return table
    cols = []
    for field in schema:
        if field.name in table.column_names:
            col = table.column(field.name)
            if col.type != field.type:
                col = col.cast(field.type)
        else:
            col = pa.nulls(table.num_rows, field.type)
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=schema)


def load_results(directory: str | os.PathLike, columns: list[str] | None = None,
                 filters=None) -> pd.DataFrame:
    """All committed rows of a results directory as one DataFrame, sorted by run and step.

    Reads runs.parquet and any parts not yet consolidated (a sweep that is still running or
    was killed), keeping each run once.
    """
    store = ResultStore(directory)
    files = store.data_files()
    if not files:
        return pd.DataFrame(columns=columns or [])
    want = None
    if columns is not None:
        want = list(dict.fromkeys(["run_id", *columns, "step"]))
    tables = []
    schemas = []
    for f in files:
        try:
            t = pq.read_table(f, columns=_available(f, want), filters=filters)
        except (OSError, pa.ArrowException):
            continue
        tables.append(t)
        schemas.append(t.schema)
    if not tables:
        return pd.DataFrame(columns=columns or [])
    schema = pa.unify_schemas(schemas, promote_options="permissive")
    seen: set[str] = set()
    kept = []
    for t in tables:
        ids = t.column("run_id").to_pylist()
        new = {i for i in ids if i not in seen}
        if len(new) != len(set(ids)):
            t = t.filter(pa.array([i in new for i in ids]))
        seen.update(new)
        kept.append(_conform(t, schema))
    df = pa.concat_tables(kept).to_pandas()
    manifest = store.load_manifest() or {}
    order = {rid: info.get("index", 0) for rid, info in manifest.get("runs", {}).items()}
    df["__o"] = df["run_id"].map(order).fillna(1 << 60)
    df = df.sort_values(["__o", "run_id", "step"], kind="stable").drop(columns="__o")
    df = df.reset_index(drop=True)
    if columns is not None:
        df = df[[c for c in want if c in df.columns]]
    return df


def _available(path: Path, want: list[str] | None) -> list[str] | None:
    if want is None:
        return None
    names = pq.read_schema(path).names
    return [c for c in want if c in names]


def file_is_readable(path: str | os.PathLike) -> bool:
    try:
        pq.read_table(path)
        return True
    except Exception:  # noqa: BLE001
        return False


def jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return value
