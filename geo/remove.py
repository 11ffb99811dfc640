"""Remove articles from the store: `python -m geo remove --db DB ID|PATH...`.

An article is named by its id in the store (its source path, or for a store made before paths were
kept, its file name or URL), by its path as given on this machine (a folder: every article stored from
under it), or by the short id its incidents' sources carry in an export. Its incidents go with it and
the merged incidents of its places and days are merged again, in one transaction, so an export or the
app never sees half a removal.
"""
from __future__ import annotations

import os
import sys

from . import store
from .reader import path_text
from .store.schema import source_key


def _printable(s: str) -> str:
    s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in s)


def matches(target: str, stored: list[dict]) -> list[dict]:
    """The stored articles `target` names: its id, its path (a folder: everything under it), or its short id."""
    exact = [a for a in stored if a["article_id"] in (target, path_text(target))]
    if exact:
        return exact
    path = path_text(os.path.abspath(target))
    under = path.rstrip("/") + "/"
    found = [a for a in stored if a["article_id"] == path or a["article_id"].startswith(under)]
    return found or [a for a in stored if source_key(a["article_id"]) == target]


def remove(targets: list[str], db, out=None) -> int:
    """Remove the articles the targets name; one line per target, then a summary. Exit code: 0 every
    target named a stored article, 1 some did not, 2 none did or the store cannot be used."""
    out = out or sys.stdout
    name = _printable(store.display_name(db))
    if not store.exists(db):
        print(f"error: {name}: no such database", file=sys.stderr)
        return 2
    try:
        stored = store.articles(db)
        chosen: dict[str, dict] = {}
        missing = []
        for t in targets:
            found = matches(t, stored)
            if not found:
                missing.append(t)
            for a in found:
                chosen.setdefault(a["article_id"], a)
        with store.connect(db) as conn:
            removed = set(store.remove_articles(conn, list(chosen)))
    except store.StoreError as e:
        print(f"error: {_printable(str(e))}", file=sys.stderr)
        return 2
    for t in missing:
        print(f"{_printable(t)}: no such article in the store", file=out)
    n = 0
    for aid, a in chosen.items():
        if aid in removed:
            n += a["n_incidents"] or 0
            print(f"{_printable(aid)}: removed, with its {a['n_incidents'] or 0} incident(s)", file=out)
    print(f"removed {len(removed)} article(s) and {n} incident(s) from {name}", file=out)
    if not removed:
        return 2
    return 1 if missing else 0
