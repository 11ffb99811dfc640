"""Read and extract articles, here, on several processes or on a Dask cluster, results in input order.

`process_file` is what every ingest does with one file before storing it, serial or not, under the
same per-file time limit.

Extraction is pure Python and CPU-bound, so threads would not help: each worker process loads the
gazetteer once (``Gazetteer.load`` is cached per process) and reads its own files. Results come back
in input order and equal the serial loop's, so the caller keeps writing the store in one process,
one transaction per article. Work goes out in batches (fewer round trips) through a bounded window
(memory stays flat however many files there are, and a slow store throttles the workers).
"""
from __future__ import annotations

import contextlib
import ctypes
import math
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Container, Iterable, Iterator
from itertools import islice

from .extract import extract
from .gazetteer.display import name_incidents
from .reader import ArticleError, read_bytes, read_data, read_file
from .records import Article, Incident
from .store import StoredTexts, StoreError, article_id

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
FILE_TIME_LIMIT_S = 120  # reading and extracting one file; a news article takes well under a second

#: (Article, incidents) or (reason it was skipped, []); incidents is None for an article in `skip`.
Outcome = tuple["Article | str", "list[Incident] | None"]

_SKIP: frozenset = frozenset()  # a pool worker's copy of `skip`, set by its initializer


def _gazetteer():
    from .gazetteer import Gazetteer
    return Gazetteer.load()


def warm(skip: Iterable = ()) -> None:
    """Load the gazetteer and the lexicon in this process (a worker's initializer) and keep `skip`."""
    global _SKIP
    from .lexicon import load
    _gazetteer()
    load()
    _SKIP = skip if isinstance(skip, StoredTexts) else frozenset(skip)


def _die_with(parent: int) -> None:
    """Make this worker process end when `parent` (the ingest) does, even by SIGKILL, which runs no
    clean-up of the parent's: on Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG), elsewhere a
    daemon thread polls the parent id. A parent already gone ends it now."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux: no prctl
        armed = False
    if os.getppid() != parent:
        os._exit(1)
    if not armed:
        def watch():
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)
        threading.Thread(target=watch, daemon=True, name="die-with-parent").start()


def _worker_start(skip, parent: int) -> None:
    """A local worker's initializer: die with the ingest, leave Ctrl-C to it (the terminal sends SIGINT to
    the whole process group; the ingest stops its workers itself), then `warm`."""
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm(skip)


def one_line(e: BaseException) -> str:
    """An exception as a short line for a report."""
    msg = " ".join(str(e).split())
    return f"{type(e).__name__}: {msg[:300]}" if msg else type(e).__name__


class _TooSlow(BaseException):
    """Raised when a file runs past the limit; a BaseException so that no `except Exception` in the
    extractor swallows it."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block after `seconds` with `_TooSlow`: by SIGALRM in a process's main thread (the
    serial ingest, a local worker), else (a Dask worker's thread) by an exception set on this thread.
    Either lands between two Python bytecodes, so a stuck extraction is stopped wherever it loops."""
    if not seconds:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        def on_alarm(signum, frame):
            raise _TooSlow

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    ident, lock, state = threading.get_ident(), threading.Lock(), {"done": False}

    def interrupt():
        with lock:
            if not state["done"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(_TooSlow))

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:  # no interrupt once the block is left, so none can land in the caller's code
            state["done"] = True
        timer.cancel()


def process_file(path, gazetteer=None, skip: Container = frozenset(), data: bytes | None = None) -> Outcome:
    """What every ingest (serial, local workers, Dask) does with one file before storing it.

    Returns (Article, incidents); (Article, None) when ``(article_id, sha1)`` is in `skip` (stored
    already by this pipeline: not extracted again); or (reason, []) when the file cannot be used:
    the ``ArticleError`` reason, "no publication date line", "took over N s, the per-file limit", or
    "internal error: ..." for a bug met on this file, which must cost that file and not the ingest.
    `data`: the file's bytes, read by the caller (then `path` only names it). A `StoreError` from
    `skip` (the serial ingest asks its store) stops the ingest.
    """
    try:
        with time_limit(FILE_TIME_LIMIT_S):
            article = read_file(path) if data is None else read_data(data, path)
            if article.published is None:
                return "no publication date line", []
            if skip and (article_id(article), article.sha1) in skip:
                return article, None
            gaz = gazetteer or _gazetteer()
            return article, name_incidents(extract(article, gaz), gaz)
    except ArticleError as e:
        return getattr(e, "reason", str(e)), []
    except _TooSlow:
        return f"took over {FILE_TIME_LIMIT_S} s, the per-file limit (too long an article?)", []
    except StoreError:
        raise
    except Exception as e:  # noqa: BLE001 - a bug met on one file must cost that file, not the ingest
        return f"internal error: {one_line(e)}", []


def run_batch(paths: list, skip: Iterable | None = None) -> list[Outcome]:
    """Worker entry point: one batch of files with this process's gazetteer."""
    gaz = _gazetteer()
    skip = _SKIP if skip is None else skip if isinstance(skip, StoredTexts) else frozenset(skip)
    return [process_file(p, gaz, skip) for p in paths]


def run_shipped(items: list[tuple[str, "bytes | str"]], skip: Iterable = ()) -> list[Outcome]:
    """Dask worker entry point: ``(path, bytes)`` read by the client, or ``(path, reason)`` for a file
    it could not read; the worker touches no file, so it needs no shared file system."""
    gaz = _gazetteer()
    skip = skip if isinstance(skip, StoredTexts) else frozenset(skip)
    return [(data, []) if isinstance(data, str) else process_file(p, gaz, skip, data) for p, data in items]


def _shipped(path: str) -> tuple[str, "bytes | str"]:
    try:
        return path, read_bytes(path)
    except ArticleError as e:
        return path, getattr(e, "reason", str(e))


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _in_order(submit: Callable, batches: Iterable[list], window: int) -> Iterator[list[Outcome]]:
    """Results of each batch in submission order, with at most `window` batches in flight.

    The first window is submitted now, not at the first `next`, so the workers start at once.
    """
    batches = iter(batches)
    pending = deque(submit(b) for b in islice(batches, window))

    def results():
        try:
            while pending:
                done = pending.popleft()
                more = next(batches, None)
                if more is not None:
                    pending.append(submit(more))  # keep the window full while waiting on the oldest
                yield done.result()
        finally:
            for f in pending:
                f.cancel()
    return results()


def _batch_size(n: int, slots: int) -> int:
    """About eight batches per worker slot (balance), at most 32 files each (latency, memory)."""
    return max(1, min(32, math.ceil(n / (slots * 8))))


def extract_files(paths: Iterable, workers: int | None = 1, scheduler=None, *, skip: Container = frozenset(),
                  batch_size: int | None = None) -> Iterator[tuple[object, Article | str, list[Incident] | None]]:
    """An iterator of ``(path, Article or reason, incidents)`` for every path, in input order (see `process_file`).

    - ``workers=1`` and no scheduler: in this process (no start-up cost: the baseline).
    - ``workers=N``: N local processes (``None``: one per core).
    - ``scheduler``: a Dask scheduler address ("tcp://host:8786") or a ``dask.distributed.Client``;
      ``workers`` is then ignored. Every Dask worker needs this project importable; the files are
      read here and their bytes sent along, so no shared file system is needed. A client made here
      from an address is closed at the end; a client passed in is left open.

    With workers or a scheduler, work starts at this call: open the store after it, so that both
    overlap. Exhaust the iterator or `close()` it to release the workers.

    `skip` answers ``(store.article_id(article), article.sha1) in skip`` for texts already stored by the
    current pipeline: those files are read but not extracted (their incidents come back as None). Sent
    to workers, it must be a set or a `store.StoredTexts`; here (one worker) any container, such as a
    store asked file by file.
    """
    items = list(paths)
    if (scheduler is not None or workers != 1) and not isinstance(skip, (frozenset, StoredTexts)):
        skip = frozenset(skip)
    if scheduler is not None:
        gen = _on_dask(items, scheduler, skip, batch_size)
    else:
        workers = (os.cpu_count() or 1) if workers is None else workers
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        if workers == 1:
            return ((p, *process_file(p, skip=skip)) for p in items)
        gen = _local(items, workers, skip, batch_size)
    next(gen)  # run the set-up now; it stops before the first result
    return gen


def _local(items: list, workers: int, skip: frozenset, batch_size: int | None):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = batch_size or _batch_size(len(items), workers)
    if "fork" in multiprocessing.get_all_start_methods():
        # Load here, once, and fork: the workers inherit the gazetteer instead of each spending a
        # core-second to load their own. The children only compute; they touch no open connection.
        ctx = multiprocessing.get_context("fork")
        warm(skip)
    else:
        ctx = None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_start,
                               initargs=(skip, os.getpid()))
    try:
        results = _in_order(lambda b: pool.submit(run_batch, b), _batches(items, size), 4 * workers)
        yield None
        pos = iter(items)
        for outcomes in results:
            for outcome in outcomes:
                yield (next(pos), *outcome)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _on_dask(items: list, scheduler, skip: frozenset, batch_size: int | None):
    from dask.distributed import Client

    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        try:
            client.run(warm)  # every worker loads the gazetteer now, in parallel, and proves it can import geo
        except ImportError as e:
            raise RuntimeError(f"Dask workers cannot import the geo package ({e}): install the project on "
                               "every worker") from e
        slots = max(1, sum(client.nthreads().values()))
        size = batch_size or _batch_size(len(items), slots)
        shared_skip = client.scatter(skip, broadcast=True) if skip else ()

        def submit(b):  # read here, as late as the window allows, so memory stays flat
            return client.submit(run_shipped, [_shipped(os.path.abspath(p)) for p in b], shared_skip, pure=False)

        results = _in_order(submit, _batches(items, size), 2 * slots + 2)
        yield None
        pos = iter(items)
        for outcomes in results:
            for outcome in outcomes:
                yield (next(pos), *outcome)
    finally:
        if own:
            client.close()
