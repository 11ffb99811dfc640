"""Write incidents as an RFC 7946 GeoJSON FeatureCollection (the export contract in the README)."""
from __future__ import annotations

import fcntl
import json
import os
import stat
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from .records import Incident
from .store.schema import feature, feature_parts, feature_text, incident_from_feature  # noqa: F401 - the codec
from .validate import validate_feature_collection

ATTRIBUTION = ("Contains data from GeoNames (geonames.org), CC BY 4.0. Data from Who's On First "
               "(whosonfirst.org/docs/licenses). Made with Natural Earth.")


def feature_collection(incidents: list[Incident], metadata: dict | None = None,
                       extra_features: list[dict] | None = None) -> dict:
    feats = [feature(i) for i in incidents] + list(extra_features or [])
    meta = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"), "attribution": ATTRIBUTION,
            "count": len(incidents)}
    meta.update(metadata or {})
    return {"type": "FeatureCollection", "metadata": meta, "features": feats}


def write_geojson(fc: dict, out: str | Path) -> None:
    """Write atomically, and only valid RFC 7946: a reader never sees half a file, and a failure (an
    invalid collection, a full disk) leaves the previous file as it was. Raises ValueError if invalid."""
    _refuse_invalid(fc, out)
    data = json.dumps(fc, ensure_ascii=False, allow_nan=False).encode("utf-8")
    _write_atomically(out, lambda fh: fh.write(data))


def write_geojson_stream(features: Iterable[str], out: str | Path, metadata: dict | None = None,
                         extra_features: list[dict] | None = None) -> int:
    """Write a FeatureCollection from feature texts as they come (a million need no list in memory).

    The texts are trusted as valid, as the store checked each one when it saved it; the metadata and
    the extra features (the front line) are checked here. Atomic as `write_geojson`; returns the count.
    """
    extra = list(extra_features or [])
    _refuse_invalid({"type": "FeatureCollection", "features": extra, "metadata": metadata or {}}, out)
    count = 0

    def write(fh) -> None:
        nonlocal count
        fh.write(b'{"type":"FeatureCollection","features":[')
        sep = ""
        batch: list[str] = []
        for text in features:
            batch.append(text)
            if len(batch) == 10_000:
                fh.write((sep + ",".join(batch)).encode("utf-8"))
                count, sep, batch = count + len(batch), ",", []
        if batch:
            fh.write((sep + ",".join(batch)).encode("utf-8"))
            count, sep = count + len(batch), ","
        for f in extra:
            fh.write((sep + json.dumps(f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))).encode("utf-8"))
            sep = ","
        meta = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"), "attribution": ATTRIBUTION,
                "count": count, **(metadata or {})}
        fh.write(f'],"metadata":{json.dumps(meta, ensure_ascii=False, allow_nan=False)}}}'.encode("utf-8"))

    _write_atomically(out, write)
    return count


def _refuse_invalid(fc: dict, out) -> None:
    problems = validate_feature_collection(fc)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ValueError(f"refusing to write invalid GeoJSON to {out}: {'; '.join(problems[:5])}{more}")


_STORE_FILES = (("", "the store being exported"), ("-wal", "the store's write-ahead log (-wal)"),
                ("-shm", "the store's shared-memory index (-shm)"), ("-journal", "the store's rollback journal (-journal)"))


def output_problem(out: str | Path, store_file: str | Path | None = None) -> str | None:
    """Why `out` cannot take an export, or None. An export replaces its output by rename, so the
    output must not be `store_file` (the GeoPackage exported) or one of its side files, however the
    path is spelled (a link, a hard link, '..'), nor a folder or a device, which the rename would
    replace rather than write into."""
    out = Path(out)
    try:
        st = out.stat()
    except FileNotFoundError:
        st = None
    except OSError as e:  # a link loop, a path through a file
        return f"cannot be used as an output ({e.strerror or e})"
    if store_file is not None:
        real = os.path.realpath(out)
        for base in {os.path.realpath(store_file), os.path.abspath(store_file)}:
            for suffix, what in _STORE_FILES:
                f = base + suffix
                if real == f or (st is not None and os.path.exists(f) and os.path.samefile(out, f)):
                    return f"it is {what} ({store_file})"
    if st is None or stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISDIR(st.st_mode):
        return "it is a folder; name a file in it"
    kind = ("a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
            else "not a regular file")
    return f"it is {kind}, not a regular file"


def _temporary(out: Path, pid: int) -> Path:
    return out.with_name(f".{out.name}.{pid}.tmp")


def _remove_stale_temporaries(out: Path) -> None:
    """Remove the temporary files that exports to `out` killed before their end left (a killed
    process cleans nothing): those of processes no longer running whose lock nobody holds."""
    prefix, suffix = f".{out.name}.", ".tmp"
    try:
        names = os.listdir(out.parent)
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):-len(suffix)] if name.startswith(prefix) and name.endswith(suffix) else ""
        if not pid.isdigit() or int(pid) == os.getpid() or _may_be_running(int(pid)):
            continue
        path = out.parent / name
        try:
            if not stat.S_ISREG(path.lstat().st_mode):
                continue
            with open(path, "rb") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a writer in another PID namespace holds it
                path.unlink()
        except OSError:
            continue


def _may_be_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # running as another user, or no process id: not an export's file
        return True
    return True


def _write_atomically(out: str | Path, write) -> None:
    out = Path(out)
    problem = output_problem(out)
    if problem:
        raise ValueError(f"not written: {problem}")
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(out)
    tmp = _temporary(out, os.getpid())
    try:
        with open(tmp, "wb") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
            tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
