"""Who signed each of many DSSE envelopes, exactly as ``dsse.Envelope.verified_by`` decides, on every core.

cryptography holds the GIL while it verifies an ECDSA signature (two threads check no faster than one),
so a long run -- the ledger, thousands of lines -- forks worker processes. Each worker is a copy of this
process holding the same candidate keys (each key object loaded once, in ``PublicKeyInfo``) and calls
the same ``verified_by`` on batches of envelopes fed through a pipe. The caller parses on while the
workers check what it has parsed so far; once the input is used up it checks the remaining batches
itself, from the back, while the workers go on taking them from the front. Nothing but the envelopes'
own fields goes to a worker and nothing but the position of the signing key among the candidates comes
back. A worker that dies or answers nonsense costs only speed: its batches are checked here.

Short runs, and processes where forking is unsafe (other threads running) or unavailable (not Linux),
check every envelope here, one after another, as it comes.
"""

from __future__ import annotations

import os
from collections import deque

from .dsse import Envelope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from .keyinfo import PublicKeyInfo

PARALLEL_MIN = 400  # fewer envelopes than this are checked in this process: a fork costs milliseconds
BATCH = 32  # envelopes per message: a ledger line's envelope is ~0.8 kB, two batches fit a pipe's buffer
QUEUED = 2  # batches a worker holds at once: one it checks, one waiting, so it never idles between them
MAX_WORKERS = 7

_Item = tuple[int, Envelope]


def signers(
    envelopes: Iterable[Envelope | None],
    candidates: Sequence[PublicKeyInfo],
    *,
    total: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[PublicKeyInfo | None]:
    """For each envelope (consumed lazily, in order), the first candidate that signed it as
    ``verified_by(candidates)`` says, or None (None in, None out: nothing to check). ``total`` is how
    many envelopes are coming (it decides whether workers are worth forking); ``progress(done, total)``
    hears how many are settled."""
    out: list[PublicKeyInfo | None] = []
    pool = _Pool(candidates, _worker_count(total), out, total, progress)
    try:
        batch: list[_Item] = []
        for i, env in enumerate(envelopes):
            out.append(None)
            if env is None:
                pool.settled(1)
                continue
            batch.append((i, env))
            if len(batch) == BATCH:
                pool.add(batch)
                batch = []
        if batch:
            pool.add(batch)
        pool.finish()
    finally:
        pool.close()
    return out


def _worker_count(total: int) -> int:
    from ..forking import fork_is_safe

    if total < PARALLEL_MIN or not fork_is_safe():
        return 0
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, MAX_WORKERS))


class _Worker:
    __slots__ = ("pid", "queued", "requests", "results")

    def __init__(self, pid: int, requests: int, results: int) -> None:
        self.pid, self.requests, self.results = pid, requests, results
        self.queued: deque[list[_Item]] = deque()  # batches sent, in the order their answers come back


class _Pool:
    def __init__(
        self,
        candidates: Sequence[PublicKeyInfo],
        workers: int,
        out: list[PublicKeyInfo | None],
        total: int,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.candidates = list(candidates)
        self.out, self.total, self.progress = out, total, progress
        self.done = 0
        self.pending: deque[list[_Item]] = deque()  # parsed, not yet with a worker
        self.workers: list[_Worker] = []
        for _ in range(workers):
            worker = self._fork()
            if worker is None:
                break
            self.workers.append(worker)

    # -- this process's side

    def settled(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))

    def add(self, batch: list[_Item]) -> None:
        """A parsed batch: to a worker with room for it (or queued for one); without workers, checked now."""
        if not self.workers:
            self._check_here(batch)
            return
        self.pending.append(batch)
        self._feed()

    def finish(self) -> None:
        """No more input: check what is left here, from the back, feeding the workers from the front."""
        while self.pending:
            self._feed()
            if self.pending:
                self._check_here(self.pending.pop())
        while any(w.queued for w in self.workers):
            self._collect(wait=True)

    def _feed(self) -> None:
        self._collect(wait=False)
        for worker in list(self.workers):
            while self.pending and len(worker.queued) < QUEUED and worker in self.workers:
                self._send(worker, self.pending.popleft())

    def _check_here(self, batch: list[_Item]) -> None:
        for i, env in batch:
            self.out[i] = env.verified_by(self.candidates)
        self.settled(len(batch))

    def _send(self, worker: _Worker, batch: list[_Item]) -> None:
        import pickle

        data = pickle.dumps([(e.payload_type, e.payload, e.signatures) for _, e in batch], pickle.HIGHEST_PROTOCOL)
        worker.queued.append(batch)
        try:
            _write_all(worker.requests, len(data).to_bytes(8, "big") + data)
        except OSError:  # the worker is gone: this batch and any before it are checked here
            self._lose(worker)

    def _collect(self, wait: bool) -> None:
        """Read every answer that is ready (with ``wait``, block until at least one is)."""
        import pickle
        import select

        busy = {w.results: w for w in self.workers if w.queued}
        if not busy:
            return
        poll = select.poll()  # not select(): a process may hold descriptors past FD_SETSIZE
        for fd in busy:
            poll.register(fd, select.POLLIN)
        for fd, _ in poll.poll(None if wait else 0):
            worker = busy[fd]
            try:
                header = _read_exact(fd, 8)
                answer = pickle.loads(_read_exact(fd, int.from_bytes(header, "big"))) if header else None
            except (OSError, EOFError, pickle.UnpicklingError):
                answer = None
            batch = worker.queued[0]
            if not isinstance(answer, list) or len(answer) != len(batch):
                self._lose(worker)
                continue
            worker.queued.popleft()
            for (i, _), position in zip(batch, answer, strict=True):
                self.out[i] = None if position < 0 else self.candidates[position]
            self.settled(len(batch))

    def _lose(self, worker: _Worker) -> None:
        """A worker that failed: its batches are checked here, and it gets no more."""
        self.workers.remove(worker)
        self._stop(worker)
        while worker.queued:
            self._check_here(worker.queued.popleft())

    def close(self) -> None:
        for worker in self.workers:
            self._stop(worker)
        self.workers = []

    @staticmethod
    def _stop(worker: _Worker) -> None:
        from contextlib import suppress

        for fd in (worker.requests, worker.results):
            with suppress(OSError):
                os.close(fd)
        with suppress(ChildProcessError):
            os.waitpid(worker.pid, 0)  # it sees the closed pipe and exits

    # -- the worker's side

    def _fork(self) -> _Worker | None:
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            return None
        if pid:
            os.close(down_r)
            os.close(up_w)
            return _Worker(pid, down_w, up_r)
        status = 1
        try:  # the child: never returns into the caller's code, never flushes the caller's buffers
            for w in self.workers:  # the other workers' pipes: holding them would keep those open
                os.close(w.requests)
                os.close(w.results)
            os.close(down_w)
            os.close(up_r)
            _serve(down_r, up_w, self.candidates)
            status = 0
        finally:
            os._exit(status)


def _serve(requests: int, results: int, candidates: list[PublicKeyInfo]) -> None:
    import pickle

    position = {id(c): n for n, c in enumerate(candidates)}
    while header := _read_exact(requests, 8):
        batch = pickle.loads(_read_exact(requests, int.from_bytes(header, "big")))
        answer = []
        for payload_type, payload, signatures in batch:
            signer = Envelope(payload_type, payload, signatures).verified_by(candidates)
            answer.append(-1 if signer is None else position[id(signer)])
        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        _write_all(results, len(data).to_bytes(8, "big") + data)


def _read_exact(fd: int, n: int) -> bytes:
    """``n`` bytes, or b"" at a clean end of file before the first; EOFError if it ends part-way."""
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            if chunks:
                raise EOFError("the pipe closed mid-message")
            return b""
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
