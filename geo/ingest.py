"""Ingest: read article files, extract incidents, store them; one report line per file.

One bad file never stops an ingest: every failure to read, decode, date or extract a file becomes
that file's report line ("<file>: skipped: <reason>"), and the next file is read. Only a database
that cannot be opened or written stops it, since nothing after that could be stored. Files are read
and extracted by `geo.workers` (here, on local processes or on a Dask cluster, under one per-file
time limit); this module walks the paths, writes the store and reports.
"""
from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import os
import signal
import sqlite3
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import paths, store, theatre
from .workers import extract_files, one_line

#: Where extraction starts: reading a file, finding its places, extracting its incidents. What they
#: import from geo, and the data they read, make the fingerprint.
EXTRACTION = ("geo.reader", "geo.gazetteer", "geo.extract")


@dataclass
class Report:
    file: str
    ok: bool
    incidents: int = 0
    reason: str = ""
    unchanged: bool = False
    notes: list[str] = field(default_factory=list)
    article: str = ""  # the id of the stored article holding this file's text
    copy_of: str = ""  # that article's, when it was stored from another path: this file's text is stored once

    def line(self) -> str:
        name = _printable(self.file)
        if not self.ok:
            return f"{name}: skipped: {_printable(self.reason)}"
        if self.unchanged:
            same = f" (the same text as {_printable(self.copy_of)})" if self.copy_of else ""
            return f"{name}: unchanged, {self.incidents} incident(s) stored{same}"
        notes = f" ({_printable('; '.join(self.notes))})" if self.notes else ""
        return f"{name}: {self.incidents} incident(s){notes}"


def _printable(s: str) -> str:
    """One printable line whatever a file name holds (newlines, control codes, undecodable bytes)."""
    s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in s)


def iter_files(paths: list[str], exclude: set[str] | None = None) -> tuple[list[Path], list[Report]]:
    """Candidate article files under the given paths, and a report for each path that cannot be one.

    Folders are walked recursively without following symbolic links to folders (they are reported,
    which also defuses link loops). Every file whose name does not start with a dot is a candidate,
    whatever its suffix: the reader tells articles from images, archives and other junk, so every bad
    file gets a reason instead of being passed over in silence. Paths in `exclude` (the database and
    its side files) are left out, and a file named twice is read once.
    """
    exclude = exclude or set()
    files: list[Path] = []
    problems: list[Report] = []
    seen: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.realpath(p)
        if key not in seen and key not in exclude:
            seen.add(key)
            files.append(p)

    def walk_error(e: OSError) -> None:
        problems.append(Report(str(e.filename), False, reason=f"cannot list folder ({e.strerror or e})"))

    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, names in os.walk(p, onerror=walk_error, followlinks=False):
                for d in sorted(dirs):
                    if not d.startswith(".") and (Path(root) / d).is_symlink():
                        problems.append(Report(str(Path(root) / d), False,
                                               reason="symbolic link to a folder, not followed (it could loop)"))
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (Path(root) / d).is_symlink())
                for n in sorted(names):
                    if not n.startswith("."):
                        add(Path(root) / n)
        elif p.exists() or p.is_symlink():
            add(p)
        else:
            problems.append(Report(str(p), False, reason="no such file or folder"))
    return files, problems


def _db_files(db: str | Path) -> set[str]:
    if store.is_postgres(db):
        return set()
    base = os.path.realpath(db)
    return {base} | {base + s for s in ("-wal", "-shm", "-journal")}


def _module_file(name: str) -> Path | None:
    """The source of a geo module (a package's __init__.py), None for a name that is not one."""
    base = paths.ROOT.joinpath(*name.split("."))
    for f in (base / "__init__.py", base.with_suffix(".py")):
        if f.is_file():
            return f
    return None


def _geo_imports(f: Path, name: str) -> set[str]:
    """The geo modules a source file imports, at its top or inside a function."""
    package = name if f.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "geo"}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            mod = ".".join(x for x in (base, node.module) if x)
            if mod.split(".")[0] == "geo":
                out |= {f"{mod}.{a.name}" for a in node.names}  # `from . import dates` names a module
                if mod != "geo":  # the root package is no module of extraction's, only a namespace
                    out.add(mod)
    return out


def fingerprint_files() -> list[Path]:
    """The code and data extraction reads: the geo modules `EXTRACTION` imports (all of each package's
    modules), the vocabulary folder, the gazetteer's data files and each theatre's control baseline."""
    seen: dict[str, Path] = {}
    todo = list(EXTRACTION)
    while todo:
        name = todo.pop()
        f = _module_file(name)
        if f is None or name in seen:
            continue
        seen[name] = f
        todo += _geo_imports(f, name)
        if f.name == "__init__.py":
            todo += [f"{name}.{p.stem}" for p in f.parent.glob("*.py") if p.stem != "__init__"]
    from .gazetteer import data_files

    files = set(seen.values()) | {p for p in paths.VOCABULARY.rglob("*") if p.is_file()} | set(data_files())
    files |= {paths.ROOT / t["baseline"] for t in theatre.load_all() if t.get("baseline")}
    return sorted(files)


@functools.lru_cache(maxsize=1)
def pipeline_version() -> str:
    """A fingerprint of the code and data that turn an article into incidents (`fingerprint_files`).

    Stored with each article, it lets a re-ingest skip an unchanged text quickly yet redo it after
    the extractor, the vocabulary, the gazetteer or a theatre's baseline changed.
    """
    h = hashlib.sha1()
    for f in fingerprint_files():
        if f.is_file():
            h.update(f.relative_to(paths.ROOT).as_posix().encode() + b"\0")
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


class _Stored:
    """The `skip` of a serial ingest: whether the store holds this text from this pipeline, asked as
    each file comes, so that an article another ingest stored meanwhile is not extracted again."""

    def __init__(self, conn, version: str):
        self.conn, self.version = conn, version

    def __contains__(self, key: tuple[str, str]) -> bool:
        return store.stored_count(self.conn, *key, self.version) is not None


def _database_failed(e: Exception) -> bool:
    """Whether a write failed for every article to come (disk full, corruption, locked past the timeout)
    rather than for this one (a constraint, a value the database cannot hold). The PostGIS store raises
    StoreError for the first kind (a lost connection, a server refusing writes)."""
    return (isinstance(e, (sqlite3.OperationalError, sqlite3.InternalError, store.StoreError))
            or type(e) is sqlite3.DatabaseError)


def _create_store(db: str) -> None:
    """A helper process's work: create a new store; a failure is reported by the ingest's own attempt."""
    try:
        with store.connect(db):
            pass
    except Exception:  # noqa: BLE001 - the ingest connects after this and reports why it cannot
        pass


def _start_creating(db: str, scheduler):
    """A helper creating the store at `db` while the workers are started, or None where none is safe.

    On a Dask cluster this process mostly waits (for the workers to load the gazetteer): a thread runs
    then. Local workers are forked once this process has loaded the gazetteer, which keeps it busy: a
    forked process runs then, unless threads make forking unsafe.
    """
    import multiprocessing
    if scheduler is not None:
        helper = threading.Thread(target=_create_store, args=(str(db),), daemon=True)
    elif threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    else:
        helper = multiprocessing.get_context("fork").Process(target=_create_store, args=(str(db),), daemon=True)
    helper.start()
    return helper


def _outcomes(files: list[Path], conn, version: str, workers: int, scheduler, started=None):
    """(Report, article, incidents) per file in input order: here, or on local processes or a Dask cluster.

    Workers only read and extract; the store is written here, one transaction per article. `started` is
    an extraction of these files already under way (`workers.extract_files` with nothing to skip).
    """
    if started is None:
        serial = workers == 1 and scheduler is None
        skip = _Stored(conn, version) if serial else store.stored_texts(conn, version)
        started = extract_files(files, workers, scheduler, skip=skip)
    for f, got, incidents in started:
        if isinstance(got, str):
            yield Report(str(f), False, reason=got), None, None
        elif incidents is None:
            yield _unchanged(str(f), store.article_id(got), store.holder(conn, store.article_id(got), got.sha1,
                                                                          version)), None, None
        else:
            notes = [w for w in got.warnings if w != "no publication date line"]
            yield Report(str(f), True, len(incidents), notes=notes, article=store.article_id(got)), got, incidents


def _unchanged(file: str, aid: str, held: tuple[str, int] | None) -> Report:
    """The report of a file whose text the store holds (under `held`'s id: this file's, or a copy's)."""
    hid, n = held or (aid, 0)
    return Report(file, True, n, unchanged=True, article=hid, copy_of="" if hid == aid else hid)


@contextlib.contextmanager
def _ctrl_c_after_save():
    """Ctrl-C between two articles at once, but while one is being saved and reported only after, so the
    summary counts what the store holds. Only the main thread receives signals (the app's runs elsewhere)."""
    state = {"now": False, "pending": False}
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def on_ctrl_c(signum, frame):
        if not state["now"]:
            raise KeyboardInterrupt
        state["pending"] = True

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)


def ingest(paths: list[str], db: str, out=None, progress: bool | None = None, workers: int = 1,
           scheduler=None) -> list[Report]:
    """Ingest files and folders into the database; prints one line per file and a summary.

    `workers` > 1 extracts on local processes, `scheduler` (an address or a dask Client) on a Dask
    cluster; the results and the store are the same as with one worker.
    """
    out = out or sys.stdout
    if out is sys.stdout and hasattr(out, "reconfigure"):
        out.reconfigure(errors="backslashreplace")  # a file name the terminal cannot show must not crash
    files, reports = iter_files(paths, exclude=_db_files(db))
    for r in reports:
        print(r.line(), file=out)
    show = progress if progress is not None else (len(files) > 20 and sys.stderr.isatty())
    with contextlib.ExitStack() as stack:
        started = None
        if (files and (scheduler is not None or workers is None or workers > 1) and not store.is_postgres(db)
                and not os.path.lexists(db)):
            # A new store has nothing to skip: the workers start now, and a helper creates the store (GDAL,
            # about half a second) meanwhile, while this process loads the gazetteer the local workers share
            # or waits for the Dask workers to load theirs.
            creating = _start_creating(db, scheduler)
            try:
                started = stack.enter_context(contextlib.closing(extract_files(files, workers, scheduler)))
            finally:
                if creating is not None:
                    creating.join()
        try:
            conn = stack.enter_context(store.connect(db))
        except store.StoreError as e:
            print(f"error: {_printable(str(e))}", file=sys.stderr)
            print(f"ingested 0 of {len(files) + len(reports)} file(s): the database cannot be used", file=out)
            return reports + [Report(str(f), False, reason="not ingested: the database cannot be used")
                              for f in files]
        version = pipeline_version()
        if started is not None and store.stored_texts(conn, version):
            started.close()  # another process stored articles meanwhile: extract again, skipping those
            started = None
        done, left = 0, 0
        saving = stack.enter_context(_ctrl_c_after_save())
        try:
            for k, (f, (rep, article, incidents)) in enumerate(
                    zip(files, _outcomes(files, conn, version, workers, scheduler, started)), 1):
                saving["now"] = True
                if article is not None:
                    try:
                        hid = store.save_article(conn, article, incidents, version)
                        if hid != rep.article:  # another file of this text was stored first
                            rep = _unchanged(rep.file, rep.article, store.holder(conn, hid, article.sha1, version))
                    except Exception as e:
                        if _database_failed(e):
                            raise
                        rep = Report(str(f), False, reason=f"internal error: {one_line(e)}")  # this article's value
                reports.append(rep)
                print(rep.line(), file=out)
                done = k
                saving["now"] = False
                if saving["pending"]:
                    raise KeyboardInterrupt
                if show:
                    bar = "#" * (30 * k // len(files))
                    print(f"\r[{bar:<30}] {k}/{len(files)}", end="", file=sys.stderr, flush=True)
        except KeyboardInterrupt:  # Ctrl-C: the article being saved is rolled back, the stored ones stay
            left = len(files) - done
        except Exception as e:  # the database failed, reading or writing: nothing more can be stored
            if not _database_failed(e):
                raise
            named = isinstance(e, store.StoreError)  # its message names the database already
            reason = f"not ingested: database error ({str(e) if named else one_line(e)})"
            why = str(e) if named else f"{store.display_name(db)}: cannot write ({one_line(e)})"
            print(f"error: {_printable(why)}; stopping", file=sys.stderr)
            for g in files[done:]:
                reports.append(Report(str(g), False, reason=reason))
                print(reports[-1].line(), file=out)
        if any(r.ok and not r.unchanged for r in reports):
            store.finish(conn)
    if show:
        print(file=sys.stderr)
    ok = sum(r.ok for r in reports)
    n = sum({r.article or id(r): r.incidents for r in reports}.values())  # a text stored once counts once
    same = sum(r.unchanged for r in reports)
    extra = f" ({same} unchanged)" if same else ""
    stop = "interrupted: " if left else ""
    rest = f"; {left} file(s) not read" if left else ""
    print(f"{stop}ingested {ok} of {len(reports)} file(s){extra}, {n} incident(s), "
          f"into {_printable(store.display_name(db))}{rest}", file=out)
    if left:
        raise Interrupted
    return reports


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped an ingest, which printed its summary."""


def exit_code(reports: list[Report]) -> int:
    """0 all ingested, 1 some skipped, 2 nothing usable."""
    ok = sum(r.ok for r in reports)
    if ok == 0:
        return 2
    return 0 if ok == len(reports) else 1
