"""Command line: `python -m geo ingest|export|gazetteer ...` (the contract the evaluation calls)."""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from .paths import DEFAULT_DB


def _date(s: str) -> str:
    from datetime import date
    try:
        return date.fromisoformat(s).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {s!r}") from None


def cmd_ingest(args) -> int:
    from .ingest import exit_code, ingest
    if args.workers is not None and args.workers < 1:
        print(f"error: --workers must be at least 1, not {args.workers}", file=sys.stderr)
        return 2
    from .ingest import Interrupted
    try:
        return exit_code(ingest(args.paths, args.db, workers=args.workers or 1, scheduler=args.dask_scheduler))
    except Interrupted:  # its summary is printed
        return 130
    except KeyboardInterrupt:
        print("ingest interrupted before any article was stored", file=sys.stderr)
        return 130


def cmd_remove(args) -> int:
    from .remove import remove
    return remove(args.targets, args.db)


class _Terminated(KeyboardInterrupt):
    """SIGTERM as an exception, so that what is unwinding (the export's temporary file) is cleaned up."""


def _terminate(signum, frame):
    raise _Terminated


def cmd_export(args) -> int:
    """Ctrl-C or SIGTERM stops the export with one line; its output is then as it was before."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
    try:
        return _export(args)
    except KeyboardInterrupt as e:
        how = "terminated" if isinstance(e, _Terminated) else "interrupted"
        print(f"export {how}: {args.out} not written", file=sys.stderr)
        return 143 if isinstance(e, _Terminated) else 130
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _export(args) -> int:
    from . import store
    from .export import feature_collection, output_problem, write_geojson, write_geojson_stream
    problem = output_problem(args.out, None if store.is_postgres(args.db) else args.db)
    if problem:
        print(f"error: {args.out}: not written: {problem}", file=sys.stderr)
        return 2
    filters = (args.start, args.end, args.actor, args.event_type)
    try:
        texts = store.event_features(args.db, *filters, evidence=not args.no_evidence)
        incidents = None
        if texts is None:  # a store not yet upgraded: merge in memory, as slow as that is
            print(f"note: {store.display_name(args.db)}: no merged events in this store yet "
                  "(ingest into it once to add them); merging in memory", file=sys.stderr)
            incidents = store.merged_in_memory(args.db, *filters)
            if args.no_evidence:
                for i in incidents:
                    i.evidence = []
    except store.StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    meta = {"filters": {"start": args.start, "end": args.end, "actors": args.actor or [],
                        "event_types": args.event_type or []}, "database": store.display_name(args.db)}
    extra = []
    if args.with_front_line:
        from .frontline import FrontLineError, export_layers
        try:
            extra, meta["front_line"] = export_layers(args.db, args.end)
        except FrontLineError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    try:
        if incidents is None:
            n = write_geojson_stream(texts, args.out, meta, extra)
        else:
            write_geojson(feature_collection(incidents, meta, extra), args.out)
            n = len(incidents)
    except store.StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:
        print(f"error: {args.out}: {e}", file=sys.stderr)
        return 2
    print(f"wrote {n} incident(s) to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="read article files or folders into the database")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE|URL",
                   help=f"GeoPackage file (default {DEFAULT_DB}) or PostGIS database (postgresql://user@host/dbname)")
    p.add_argument("--workers", type=int, metavar="N", help="extract on N local processes (default 1)")
    p.add_argument("--dask-scheduler", metavar="ADDRESS",
                   help="extract on a Dask cluster (tcp://host:8786); the files are read here and sent to the workers")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("remove", help="remove articles and their incidents from the database")
    p.add_argument("targets", nargs="+", metavar="ID|PATH",
                   help="a stored article's id, its file's path (a folder: every article from under it), or the "
                        "short id its sources carry in an export")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE|URL", help="GeoPackage file or postgresql:// URL")
    p.set_defaults(func=cmd_remove)
    p = sub.add_parser("export", help="write the filtered incidents as a GeoJSON snapshot")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE|URL", help="GeoPackage file or postgresql:// URL")
    p.add_argument("--out", required=True, metavar="FILE.geojson")
    p.add_argument("--start", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--end", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--actor", action="append", metavar="NAME", help="repeatable; matches actor1 or actor2")
    p.add_argument("--event-type", action="append", metavar="TYPE", help="repeatable; an ACLED event type")
    p.add_argument("--no-evidence", action="store_true",
                   help="leave out the article sentences (for a redistributable sample)")
    p.add_argument("--with-front-line", action="store_true",
                   help="add each side's control areas and the front line as of --end (or the latest incident), "
                        "from every capture report whatever the filters")
    p.set_defaults(func=cmd_export)
    g = sub.add_parser("gazetteer", help="build the gazetteer or resolve place names")
    gsub = g.add_subparsers(dest="gazetteer_command", required=True)
    from .gazetteer import cli as gazetteer_cli
    b = gsub.add_parser("build", help="build data/places.geojson from GeoNames files")
    gazetteer_cli.add_build_args(b)
    b.set_defaults(func=gazetteer_cli.run_build)
    r = gsub.add_parser("resolve", help="resolve place names (use - to read names from stdin)")
    gazetteer_cli.add_resolve_args(r)
    r.set_defaults(func=gazetteer_cli.run_resolve)
    c = sub.add_parser("control", help="build the pre-war control baseline of the front-line layer")
    csub = c.add_subparsers(dest="control_command", required=True)
    from .build import control as control_build
    b = csub.add_parser("build", help="build data/control_baseline.geojson from Natural Earth boundaries")
    control_build.add_build_args(b)
    b.set_defaults(func=control_build.run_build)
    return ap


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
