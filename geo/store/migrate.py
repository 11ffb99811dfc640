"""Bring a store written by an earlier version up to this one's columns, whichever database holds it.

Columns are only ever added, with the record's default for the rows already there (a store from
before `status` reads its incidents as reported), so an upgrade is a few `ALTER TABLE`s that a
writer runs when it opens the store. A reader never writes: it selects NULL for a column the store
lacks, which `schema.incident` reads as the record's default. Each backend passes its own column
types; the SQL is otherwise the same in SQLite and PostgreSQL.
"""
from __future__ import annotations

from .schema import ARTICLE_TYPES, COLUMN_DEFAULTS, COLUMNS, LAYER

__all__ = ["missing", "add_column", "select_list"]


def missing(present: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """(table, column, generic type) of every column of this version that the tables `present` lack."""
    out = []
    for table, cols in ((LAYER, COLUMNS), ("articles", ARTICLE_TYPES)):
        out += [(table, c, t) for c, t in cols if c not in present.get(table, set())]
    return out


def _literal(v) -> str:
    return str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"


def add_column(table: str, column: str, sql_type: str) -> str:
    """The statement adding a column, its rows taking the record's default (NULL where it has none)."""
    default = f" DEFAULT {_literal(COLUMN_DEFAULTS[column])}" if table == LAYER and column in COLUMN_DEFAULTS else ""
    return f'ALTER TABLE "{table}" ADD COLUMN {column} {sql_type}{default}'


def select_list(present: set[str]) -> str:
    """The incident COLUMNS for a SELECT, in order, with NULL for one the store lacks."""
    return ", ".join(c if c in present else f"NULL AS {c}" for c, _ in COLUMNS)
