"""Writing an export bundle: staged beside the target directory, moved into place at the end.

A process killed mid-copy leaves the target exactly as it was; without its export record (moved last),
a bundle does not verify. What a directory artefact's digest leaves out (top-level .git*, .github) is
not signed, so it does not travel.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._version import __version__
from ..crypto import dsse
from ..crypto import keys as _keys
from ..digest import Hasher
from ..errors import CheckFailed, UsageError
from ..filenames import (
    IGNORED_TOP_LEVEL,
    NOTICES_NAME,
    RECORD_NAME,
    REVOCATIONS_NAME,
    SIGNER_NAME,
    bundle_names,
    companion_names,
)
from ..model.card import Signer
from ..model.decision import Decision
from ..model.export import ExportRecord
from ..store import atomic, trust
from ..store.repo import ProvRepo
from ..store.trust import revocations
from . import render, revocation_list
from .bundle import EXPORT_PAYLOAD_TYPE, duties_from, export_statement
from .files import SignedCard, card_path, rendered_path


def check_no_clobber(to: Path, artefact: Path, signed: SignedCard) -> None:
    if not to.exists():
        return
    clash = [n for n in bundle_names(artefact.name) if (to / n).exists() or (to / n).is_symlink()]
    if clash:
        raise UsageError(f"--to {to}: already holds {', '.join(clash)}; export into an empty or new directory")


def copy_file(src: Path, dst: Path) -> None:
    shutil.copy2(src, dst)


@dataclass(frozen=True)
class BundleJob:
    """Everything one bundle is made from."""

    repo: ProvRepo
    artefact: Path
    signed: SignedCard
    decision: Decision
    key: _keys.PrivateKey
    signer_name: str
    now: dt.datetime
    copy: Callable[[Path, Path], None]


@dataclass(frozen=True)
class Target:
    """Where a bundle goes, pinned when it was checked: the resolved path, and the identity (device,
    inode) of its parent and, when it exists, of the directory itself. Publishing opens both again and
    moves the files by directory handle, so a directory swapped for a link (into ``.prov/``, say) after
    the check is refused rather than written through."""

    path: Path
    parent_id: tuple[int, int] | None
    self_id: tuple[int, int] | None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else (-1, -1)


def pin_target(to: Path) -> Target:
    path = to.resolve()
    return Target(path, _identity(path.parent), _identity(path))


def _changed(target: Target) -> UsageError:
    return UsageError(
        f"--to {target.path}: changed while the bundle was made (it is no longer the directory that was "
        "checked); nothing was exported"
    )


def write_bundle(job: BundleJob, target: Target) -> list[str]:
    parent = target.path.parent
    if target.parent_id is None:
        atomic.make_parent(target.path)
        if parent.resolve() != parent:
            raise _changed(target)
    pfd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    staging: Path | None = None
    try:
        st = os.fstat(pfd)
        if target.parent_id is not None and (st.st_dev, st.st_ino) != target.parent_id:
            raise _changed(target)
        # Staged beside DIR, never inside it: a process killed mid-copy leaves DIR exactly as it was.
        staging = Path(tempfile.mkdtemp(prefix=f".{target.path.name[:64]}.prov-export-", dir=parent))
        files = _stage(job, staging)
        _publish(pfd, staging.name, target, files)
    finally:
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        os.close(pfd)
    return files


def _stage(job: BundleJob, staging: Path) -> list[str]:
    artefact, signed, decision, key, copy = job.artefact, job.signed, job.decision, job.key, job.copy
    hasher = Hasher(show_progress=None)
    target = staging / artefact.name
    if artefact.is_dir():
        # What the digest leaves out (top-level .git*, .github) is not signed, so it does not travel.
        shutil.copytree(
            artefact,
            target,
            copy_function=lambda s, d: copy(Path(s), Path(d)),
            ignore=lambda d, names: [n for n in names if Path(d) == artefact and n in IGNORED_TOP_LEVEL],
        )
    else:
        copy(artefact, target)
    copied = hasher.tree(target).sha256
    if copied != signed.card.artefact.sha256:
        raise CheckFailed(f"{artefact} changed while it was copied; nothing was exported", code="DIGEST_MISMATCH")
    card_name = card_path(artefact).name
    rendered_name = rendered_path(artefact).name
    atomic.write_bytes(staging / card_name, signed.raw)
    atomic.write_text(staging / rendered_name, render.render(signed, "md", notices=NOTICES_NAME))
    atomic.write_text(staging / SIGNER_NAME, _signer_pems(job.repo, signed, key))
    companions = _stage_companions(job, staging)
    record = export_record(signed, decision, key, job.signer_name, job.now, name=artefact.name, sha256=copied)
    atomic.write_text(staging / NOTICES_NAME, render.render_notices(record))
    revoked = list(revocations(job.repo).values())
    if revoked:  # the revocations travel, signed by the exporter: recipients who trust it honour them
        atomic.write_bytes(staging / REVOCATIONS_NAME, revocation_list.make(revoked, key, job.now))
    digests = {artefact.name: copied}
    for name in (card_name, rendered_name, *companions, SIGNER_NAME, NOTICES_NAME, REVOCATIONS_NAME):
        if name != REVOCATIONS_NAME or revoked:
            digests[name] = hashlib.sha256((staging / name).read_bytes()).hexdigest()
    atomic.write_bytes(staging / RECORD_NAME, signed_record(record, digests, key))
    optional = {REVOCATIONS_NAME: bool(revoked), **{n: n in companions for n in companion_names(artefact.name)}}
    return [n for n in bundle_names(artefact.name) if optional.get(n, True)]


def export_record(
    signed: SignedCard,
    decision: Decision,
    key: _keys.PrivateKey,
    signer_name: str,
    now: dt.datetime,
    *,
    name: str,
    sha256: str,
) -> ExportRecord:
    """Who exported (or pushed) what to whom, under which terms, when: for a bundle and for a push."""
    return ExportRecord(
        artefact=name,
        artefact_sha256=sha256,
        card_sha256=signed.sha256,
        exported_at=now,
        exporter=Signer(keyid=_keys.keyid(key.public_key()), name=signer_name),
        recipient=decision.recipient,  # type: ignore[arg-type]
        terms=decision.effective_terms,
        duties=duties_from(decision, decision.effective_terms),
        prov_version=__version__,
    )


def signed_record(record: ExportRecord, files: dict[str, str], key: _keys.PrivateKey) -> bytes:
    """The record's DSSE envelope over the files it names (name -> sha256), as written to disk or a registry."""
    envelope = dsse.sign_envelope(EXPORT_PAYLOAD_TYPE, export_statement(record, files), key)
    return (json.dumps(envelope, indent=2) + "\n").encode()


def _stage_companions(job: BundleJob, staging: Path) -> list[str]:
    """The card's signatures for other tools travel with it (the SSH pair was checked with the card before
    the export was decided); the model-signing one is ``oms_to_ship``'s."""
    from . import companions

    oms_name, json_name, sig_name = companions.names(job.artefact.name)
    regular = {n for n in companion_names(job.artefact.name) if _regular(job.artefact.with_name(n))}
    if not {json_name, sig_name} <= regular:
        regular -= {json_name, sig_name}  # the SSH pair travels whole or not at all
    names: list[str] = []
    for name in companion_names(job.artefact.name):
        if name in regular and name != oms_name:
            copy_file(job.artefact.with_name(name), staging / name)  # small files: not job.copy (reflinks, progress)
            names.append(name)
    oms = oms_to_ship(job.repo, job.artefact, job.signed, job.key)
    if oms is not None:
        atomic.write_bytes(staging / oms_name, oms)
        names.append(oms_name)
    return [n for n in companion_names(job.artefact.name) if n in names]


def oms_to_ship(repo: ProvRepo, artefact: Path, signed: SignedCard, key: _keys.PrivateKey) -> bytes | None:
    """The ``ARTEFACT.sig`` that travels with an export or a push: the one beside the artefact when a key
    this repository trusts made it over exactly the card's files; otherwise -- someone else's signature,
    or an artefact carded before prov wrote them -- a fresh one by the exporter's key, when it is ECDSA,
    so `model_signing verify key` with the exporter's public key works on everything prov ships."""
    from ..regularfile import read_regular
    from . import companions

    beside = artefact.with_name(companions.names(artefact.name)[0])
    if _regular(beside):
        raw = read_regular(beside)
        root = trust.TrustRoot.of_repo(repo)
        found, manifest = companions.check_oms(
            raw,
            beside.name,
            candidates=root.keys,
            revoked=root.revoked,
            actual=companions.card_content(signed.card),
            card_present=True,
        )
        if manifest is not None and not found:
            return raw
    try:
        return companions.oms_signature(signed.card, key)
    except companions.oms.OmsUnsupported:
        return None


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _signer_pems(repo: ProvRepo, signed: SignedCard, key: _keys.PrivateKey) -> str:
    """The card signer's public key (and the exporter's, when another key), for the recipient's records."""
    wanted = [kid for kid, _ in signed.envelope.signatures] + [_keys.keyid(key.public_key())]
    pems: list[str] = []
    for info in trust.trusted_keys(repo):
        if info.keyid in wanted:
            pem = _keys.public_pem(info.key).decode()
            if pem not in pems:
                pems.append(pem)
    return "".join(pems)


def _publish(pfd: int, staging: str, target: Target, files: list[str]) -> None:
    """Move the staged bundle into place by directory handle; the export record goes last."""
    name = target.path.name
    if target.self_id is None:
        try:
            os.rename(staging, name, src_dir_fd=pfd, dst_dir_fd=pfd)  # the whole directory appears at once
        except OSError as e:
            if e.errno == errno.EXDEV:
                raise
            raise _changed(target) from None  # something appeared at DIR since the check
        return
    nofollow = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    try:
        tfd = os.open(name, nofollow, dir_fd=pfd)
    except OSError:
        raise _changed(target) from None
    sfd = os.open(staging, nofollow, dir_fd=pfd)
    moved: list[str] = []
    try:
        st = os.fstat(tfd)
        if (st.st_dev, st.st_ino) != target.self_id:
            raise _changed(target)
        for entry in files:  # RECORD_NAME is last in the list
            try:
                os.rename(entry, entry, src_dir_fd=sfd, dst_dir_fd=tfd)
            except OSError as e:
                if e.errno == errno.EXDEV:
                    raise UsageError(
                        f"--to {target.path}: is a mount point on another filesystem than its parent; "
                        "export into a new directory below it"
                    ) from None
                raise
            moved.append(entry)
    except BaseException:
        for entry in moved:
            with contextlib.suppress(OSError):
                try:
                    os.unlink(entry, dir_fd=tfd)
                except IsADirectoryError:
                    shutil.rmtree(entry, dir_fd=tfd)
        raise
    finally:
        os.close(sfd)
        os.close(tfd)


def withdraw_bundle(to: Path, files: list[str], existed: bool) -> None:
    """Take back a bundle just published (the export could not be recorded): the export record first."""
    if not existed:
        shutil.rmtree(to, ignore_errors=True)
        return
    for name in reversed(files):  # RECORD_NAME first: without it, what remains does not verify
        path = to / name
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
