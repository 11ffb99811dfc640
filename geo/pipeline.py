"""Ingest: read article files, extract incidents, store them; one report line per file."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import store
from .extract import extract
from .reader import ArticleError, read_file

SUFFIXES = {".txt", ".md", ".text", ".html", ".htm"}


@dataclass
class Report:
    file: str
    ok: bool
    incidents: int = 0
    reason: str = ""

    def line(self) -> str:
        if self.ok:
            return f"{self.file}: {self.incidents} incident(s)"
        return f"{self.file}: skipped: {self.reason}"


def iter_files(paths: list[str]) -> tuple[list[Path], list[Report]]:
    """Article files under the given paths (folders recursively, without following symlink loops)."""
    files, problems = [], []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, names in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [Path(root) / n for n in sorted(names)
                          if not n.startswith(".") and Path(n).suffix.lower() in SUFFIXES]
        elif p.exists() or p.is_symlink():
            files.append(p)
        else:
            problems.append(Report(str(p), False, reason="no such file or folder"))
    return files, problems


def _gazetteer():
    from .gazetteer import Gazetteer
    return Gazetteer.load()


def ingest(paths: list[str], db: str, out=None, progress: bool | None = None) -> list[Report]:
    out = out or sys.stdout
    files, reports = iter_files(paths)
    for r in reports:
        print(r.line(), file=out)
    gaz = _gazetteer()
    show = progress if progress is not None else (len(files) > 20 and sys.stderr.isatty())
    with store.connect(db) as conn:
        for k, f in enumerate(files, 1):
            try:
                article = read_file(f)
                if article.published is None:
                    raise ArticleError(f"{f}: no publication date line")
                incidents = extract(article, gaz)
                store.save_article(conn, article, incidents)
                rep = Report(str(f), True, len(incidents))
            except ArticleError as e:
                rep = Report(str(f), False, reason=str(e).split(": ", 1)[-1])
            reports.append(rep)
            print(rep.line(), file=out)
            if show:
                bar = "#" * (30 * k // len(files))
                print(f"\r[{bar:<30}] {k}/{len(files)}", end="", file=sys.stderr, flush=True)
    if show:
        print(file=sys.stderr)
    ok = sum(r.ok for r in reports)
    n = sum(r.incidents for r in reports)
    print(f"ingested {ok} of {len(reports)} file(s), {n} incident(s), into {db}", file=out)
    return reports


def exit_code(reports: list[Report]) -> int:
    """0 all ingested, 1 some skipped, 2 nothing usable."""
    ok = sum(r.ok for r in reports)
    if ok == 0:
        return 2
    return 0 if ok == len(reports) else 1
