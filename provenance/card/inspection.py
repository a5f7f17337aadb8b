"""What a card says the artefact holds, worked out on another core while the card's other parts are made.

`prov card` spends most of its time importing: pydantic and the card models, click, cryptography, jinja2
on one side; numpy and the pickle reader, which inspecting the artefact needs, on the other. The two do
not depend on each other until the card is built, so the CLI starts the inspection first, in a forked
copy of itself (``Inspection.start``), before importing the rest; the copy runs exactly what
``api.card`` runs in-process -- ``inspect_artefact`` then the static ``assess_file`` -- and sends back
their two results. ``api.card`` takes them at the very points where it would have computed them, and
computes them itself, there, when the copy gives nothing: it failed (an error is raised where the
in-process call raises it, in the same order), died, or was never started (training data or
``--trust-pickle`` given, no ``fork``, other threads running, numpy already imported, the Python API).
A test holds the two readings to the same facts and assessment over many artefacts.

The copy reads the artefact only after its files' stamps are taken (``settled_stamps``). Both readers
note the stamp of every file as they open it -- the hasher on its descriptors, the inspection through
``readings.open_read``, which also hashes what it serves -- and ``described_files_unchanged`` holds both
to those stamps, every byte read to the hasher's block digests, and the paths to the stamps found again
once the card is made: so the inspection, like the digest, describes the very bytes signed, even when a
parent directory was exchanged between two readings or a file's bytes were changed through a mapping
(neither of which moves a path's stamp). The copy writes nothing, and ends with ``os._exit`` (no exit
handler of the CLI runs twice).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..analysis.artefact import ArtefactFacts
    from ..model.card import Privacy
    from ..readings import Noted
    from .request import CardRequest


def artefact_stamps(artefact: Path) -> dict[str, object]:
    """Every file's stat stamp (``stamps.key``), by its path in the artefact."""
    from .. import stamps
    from ..digest import _walk

    if not artefact.is_dir():
        return {"": stamps.of(artefact)}
    top = str(artefact)
    return {rel: stamps.of(os.path.join(top, rel)) for rel in _walk(artefact)}


def settled_stamps(artefact: Path) -> dict[str, object]:
    """``artefact_stamps``, taken once every file's last change is a clock tick in the past: a write after
    this moment then always gives a file another ctime (``stamps.settled``), so equal stamps later mean
    that nothing was written in between."""
    from .. import stamps

    for _ in range(4):
        now = time.time_ns()
        found = artefact_stamps(artefact)
        recent = [s for s in found.values() if isinstance(s, tuple) and not stamps.settled(s[4], now)]
        if not recent:
            return found
        time.sleep(
            max(0.0, (max(s[4] for s in recent) + 2_100_000_000 - now) / 1e9)
            if any(s[4] % 1_000_000_000 == 0 for s in recent)
            else stamps.RACY_NS * 1.5 / 1e9
        )
    return found


def described_files_unchanged(
    artefact: Path,
    before: dict[str, object],
    hashed: dict[str, object],
    marks: dict[str, list[bytes]],
    read: Noted,
    inspected: bool,
) -> bool:
    """Whether the card's digest and its inspection both describe the very bytes of the files ``before``
    stamped, and those files are still there.

    ``hashed``, the stamp of each file the digest was made from (``Pending.seen``), must be ``before``
    exactly. ``read``, the inspection's readings (``readings.noting_reads``), must have met those same
    files under every name they share -- and, when the inspection vouches for the artefact
    (``inspected``), under every name of it -- and every byte they read must be a byte the digest hashed:
    each reading's prefix is confirmed by the hasher's ``marks`` (a file changed through a shared mapping
    keeps its stamp, not its digest). Files the digest leaves out (top-level ``.git*``) may be read too.
    The paths are looked up again last: nothing may have moved since."""
    from ..readings import prefix_confirmed

    if hashed != before:
        return False
    names = {os.fspath(artefact.joinpath(*rel.split("/"))) if rel else os.fspath(artefact): rel for rel in before}
    for name, noted in read.items():
        rel = names.get(name)
        if rel is None:
            continue
        if noted is None or noted[0] != before[rel]:
            return False
        size = before[rel][2]  # type: ignore[index]
        if not all(prefix_confirmed(n, sha256, marks.get(rel, []), size) for n, sha256 in noted[1]):
            return False
    if inspected and not names.keys() <= read.keys():
        return False
    return artefact_stamps(artefact) == before


def inspected(request: CardRequest, repo: object) -> ArtefactFacts:
    """The facts ``api.card`` records: the one call, here and in the forked copy."""
    from ..analysis.artefact import inspect_artefact
    from ..store.limits import limits_for

    return inspect_artefact(request.artefact, limits_for(repo))  # type: ignore[arg-type]


def assessed(request: CardRequest, facts: ArtefactFacts, tick: object = None) -> Privacy:
    """The privacy section ``api.card`` records (the audit too, with training data): the one call."""
    from ..analysis.privacy import assess_file

    return assess_file(
        request.artefact,
        facts,
        trust_pickle=request.trust_pickle,
        train=request.train,
        holdout=request.holdout,
        dp=request.dp,
        budget=request.audit,
        population=request.population,
        tick=tick,  # type: ignore[arg-type]
    )


class Inspection:
    """The artefact's facts and static privacy assessment, being made by a forked copy of this process.

    ``before``: the artefact's settled stamps, taken before the copy read anything (None when nothing was
    started). ``results()`` gives the copy's facts, privacy and readings (``readings.noting_reads``), or None
    when the caller must work them out itself."""

    def __init__(self, before: dict[str, object] | None = None, pid: int = 0, fd: int = -1) -> None:
        self.before, self._pid, self._fd = before, pid, fd
        self._results: tuple[ArtefactFacts, Privacy, Noted] | None = None
        self._done = pid == 0

    @classmethod
    def start(cls, request: CardRequest) -> Inspection:
        """Start the copy when it can help and is safe; otherwise an Inspection that gives nothing."""
        from ..forking import fork_is_safe

        artefact = request.artefact
        if (
            request.train is not None
            or request.trust_pickle  # loads the model with plain pickle: only ever in the user's own process
            or not fork_is_safe()
            or "numpy" in sys.modules  # nothing left to import ahead (and a BLAS pool's threads may exist)
            or not (artefact.is_file() or artefact.is_dir())
        ):
            return cls()
        # What both sides need, imported once before the fork: the card models (the copy's assessment is one;
        # this process builds the card from them) and the limits' configuration reader. What only the copy
        # needs -- numpy, the pickle judge, the memorisation analysis -- it imports while this one goes on.
        import yaml  # noqa: F401  (the limits' configuration here, the datasets' manifests there)

        import provenance.analysis.artefact
        import provenance.model.card
        import provenance.store.limits  # noqa: F401

        before = settled_stamps(artefact)
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return cls()
        if pid == 0:  # the copy: never returns into the caller's code, never flushes the caller's buffers
            status = 1
            try:
                os.close(read_end)
                _serve(request, write_end)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        return cls(before, pid, read_end)

    def results(self) -> tuple[ArtefactFacts, Privacy, Noted] | None:
        self._collect()
        return self._results

    def _collect(self) -> None:
        if self._done:
            return
        self._done = True
        import pickle

        chunks = []
        try:
            while chunk := os.read(self._fd, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            os.close(self._fd)
            _reap(self._pid)
        try:
            # From this process's own fork, over a pipe only the two of them hold: not an artefact's pickle.
            answer = pickle.loads(b"".join(chunks)) if chunks else None
        except Exception:
            answer = None
        if isinstance(answer, tuple) and len(answer) == 3:
            from ..analysis.artefact import ArtefactFacts
            from ..model.card import Privacy

            facts, privacy, read = answer
            if isinstance(facts, ArtefactFacts) and isinstance(privacy, Privacy) and isinstance(read, dict):
                self._results = facts, privacy, read

    def cancel(self) -> None:
        """Stop the copy (the card was refused before it needed the inspection)."""
        if self._done:
            return
        self._done = True
        import signal
        from contextlib import suppress

        with suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)
        with suppress(OSError):
            os.close(self._fd)
        _reap(self._pid)

    def __enter__(self) -> Inspection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def _serve(request: CardRequest, fd: int) -> None:
    """In the copy: both results and the files read, or nothing at all (the caller then makes both, where
    it always did)."""
    import pickle

    from ..readings import noting_reads
    from ..store.repo import require_repo

    # The copy reads bytes and multiplies no matrices: numpy's BLAS need start no thread pool, which is
    # 10-60 ms of numpy's import on two busy cores (a setting of the user's own is kept).
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    try:
        with noting_reads() as read:
            facts = inspected(request, require_repo(request.artefact))
            privacy = assessed(request, facts)
        facts.parse = None  # the reader's graph and numpy arrays: the card needs neither
        data = pickle.dumps((facts, privacy, read), pickle.HIGHEST_PROTOCOL)
    except BaseException:
        return
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _reap(pid: int) -> None:
    from contextlib import suppress

    with suppress(ChildProcessError):
        os.waitpid(pid, 0)
