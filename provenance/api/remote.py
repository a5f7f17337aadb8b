"""Artefacts in OCI registries: ``prov push``, ``prov verify REF``, ``prov pull`` and parents that live there.

A push is an export: the decision is ``DecisionContext.decide`` with the registry's audience as the
recipient (``policy.registries``), and a refused push sends nothing, not even a blob. An allowed push
uploads the files as layers (``oci.layout``), the card, the OpenSSF model-signing signature and a
signed export record as referrers, records the push in the ledger, and only then tags the manifest: a
tag never names a model whose card is not there yet.

Reading is ``fetch``: the model manifest and its referrers, the card verified with the same
``check_card`` as a card on disk, against the layer digests instead of files -- so `prov verify REF`
downloads no weights. `prov pull` downloads only what ``fetch`` verified, each blob hashed while it
streams, checks the result with ``check_target`` (what `prov verify DIR/NAME` runs) and moves it into
place only then. The registry is never trusted: keys come from ``--key`` or the verifier's repository.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..card.verify import Finding, Verdict, check_card
from ..errors import CheckFailed, UsageError
from ..filenames import CARD_SUFFIX, OMS_SUFFIX
from ..oci import layout
from ..oci.client import MANIFEST, Reference, Registry, RegistryError
from ..store.trust import TrustRoot

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..card.files import SignedCard
    from ..model.decision import Decision, Reason
    from ..store import userkeys
    from ..store.repo import ProvRepo

MAX_CARDS = 16  # card referrers read per model: a registry cannot make a verifier read without end

Progress = Callable[[str, int], Callable[[int], None] | None]  # (label, total bytes) -> per-chunk callback


@dataclass(frozen=True)
class Connection:
    """How to reach registries: ``plain_http`` None is plain HTTP for loopback hosts only (as docker);
    credentials given on the command line, else docker's (``oci.credentials``)."""

    plain_http: bool | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def open(self, host: str) -> Registry:
        from ..oci import credentials

        found = credentials.resolve(host, self.username, self.password)
        return Registry(
            host,
            plain_http=self.plain_http,
            username=found.username if found else None,
            password=found.password if found else None,
        )


@dataclass
class RemoteArtefact:
    """What ``fetch`` found under a reference, and the verdict on it."""

    reference: Reference  # as given
    pinned: str | None  # HOST/REPOSITORY@sha256:... of the model manifest
    verdict: Verdict
    model: layout.ModelManifest | None = None
    card_raw: bytes | None = None
    oms_raw: bytes | None = None

    @property
    def signed(self) -> SignedCard | None:
        return self.verdict.signed

    def as_dict(self) -> dict[str, object]:
        return {"reference": str(self.reference), "pinned": self.pinned, **self.verdict.as_dict()}


def fetch(ref: Reference, trust: TrustRoot, registry: Registry, memo: object | None = None) -> RemoteArtefact:
    """The model under ``ref`` with its card verified against its layer digests (no weight is downloaded)."""
    from ..card import companions

    name = ref.repository.rsplit("/", 1)[-1]
    got = registry.get_manifest(ref.repository, ref.ref, (MANIFEST,))
    if got is None:
        missing = f"{ref}: the registry holds no manifest under this reference"
        finding = Finding("ARTEFACT_MISSING", missing, str(ref))
        return RemoteArtefact(ref, None, Verdict(name, name + CARD_SUFFIX, [finding]))
    body, media, digest = got
    pinned = f"{ref.host}/{ref.repository}@{digest}"
    try:
        if media and media != MANIFEST:
            raise layout.LayoutError(f"the registry serves it as {media!r}, not an OCI image manifest")
        model = layout.read_model(body)
    except layout.LayoutError as e:
        return RemoteArtefact(ref, pinned, Verdict(name, name + CARD_SUFFIX, [_layout(e, pinned)]))
    card_name = model.name + CARD_SUFFIX
    sha, files = model.content
    try:
        index = registry.referrers_index(ref.repository, digest)
        referrers = layout.read_index(index) if index is not None else []
    except layout.LayoutError as e:
        return RemoteArtefact(ref, pinned, Verdict(model.name, card_name, [_layout(e, pinned)]), model)
    cards = [r for r in referrers if r.artifact_type == layout.CARD_ARTIFACT]
    result = RemoteArtefact(ref, pinned, Verdict(model.name, card_name, actual_sha256=sha), model)
    if not cards:
        result.verdict.findings.append(
            Finding(
                "CARD_MISSING",
                f"{pinned} has no prov card among its referrers: it was pushed without prov, or its card was removed",
                pinned,
            )
        )
        return result
    best: tuple[Verdict, bytes] | None = None
    first: Verdict | None = None
    for r in cards[:MAX_CARDS]:
        try:
            raw = _referrer_blob(registry, ref.repository, digest, r)
        except (layout.LayoutError, CheckFailed, RegistryError) as e:
            first = first or Verdict(model.name, card_name, [_layout(e, pinned)], actual_sha256=sha)
            continue
        verdict = check_card(
            raw,
            artefact_name=model.name,
            card_name=card_name,
            candidates=trust.keys,
            revoked=trust.revoked,
            actual_sha256=sha,
            actual_files=files,
            actual_kind=model.kind,
            full=True,
            memo=memo,
        )
        if verdict.verified:
            # Several verified cards (re-signed, pushed again): the latest signing is the card that speaks.
            if best is None or _when(verdict) > _when(best[0]):
                best = (verdict, raw)
        elif first is None:
            first = verdict
    if best is None:
        result.verdict = first  # type: ignore[assignment]
        return result
    result.verdict, result.card_raw = best
    if result.verdict.facts is not None and result.verdict.facts.subject_name != model.name:
        # Beside a file a renamed copy only warns; here the registry would choose the name the pull writes.
        result.verdict.findings.append(
            _layout(
                f"the manifest names the artefact {model.name!r}, its card was signed for "
                f"{result.verdict.facts.subject_name!r}",
                pinned,
            )
        )
    oms_name = model.name + OMS_SUFFIX
    for r in [r for r in referrers if r.artifact_type == layout.OMS_ARTIFACT][:MAX_CARDS]:
        try:
            raw = _referrer_blob(registry, ref.repository, digest, r)
        except (layout.LayoutError, CheckFailed, RegistryError):
            raw = b""  # unreadable: fails its check, as an unreadable file beside a card does
        envelope = result.verdict.envelope
        found = companions.check_beside_card(
            lambda n, raw=raw: raw if n == oms_name else None,
            model.name,
            actual=(sha, files),
            trust=trust,
            payload=envelope.payload if envelope else b"",
            signer_keyid=result.verdict.keyid,
            memo=memo,  # type: ignore[arg-type]
        )
        said = {(f.code, f.message) for f in result.verdict.findings}
        result.verdict.findings += [f for f in found if (f.code, f.message) not in said]
        if not found and result.oms_raw is None:
            result.oms_raw = raw
    if not result.verdict.verified:
        result.verdict.signed = None
    return result


def _when(verdict: Verdict) -> dt.datetime:
    return dt.datetime.fromisoformat(verdict.signed_at or "0001-01-01T00:00:00+00:00")


def _layout(e: Exception | str, where: str) -> Finding:
    return Finding("OCI_LAYOUT_INVALID", f"{where}: {e}", where)


def _referrer_blob(registry: Registry, repository: str, subject: str, r: layout.Referrer) -> bytes:
    got = registry.get_manifest(repository, r.digest, (MANIFEST,))
    if got is None:
        raise layout.LayoutError(f"referrer {r.digest[:19]}… is listed but not there")
    blob, _ = layout.read_referrer(got[0], subject, r.artifact_type)
    return registry.get_blob(repository, blob, layout.SIGNED_BLOB_LIMIT)


# --- verify -----------------------------------------------------------------------------------------


def looks_like_reference(text: str) -> bool:
    """Whether ``text`` names an artefact in a registry (HOST[:PORT]/REPOSITORY[:TAG|@DIGEST]) rather than a
    local path. A path that exists is local -- unless the text has a port, a tag or a digest, which no one
    writes for a file: then a file of that name is a trap (a planted copy answering for the registry's),
    refused as ambiguous. A path starting with ``/`` always means the local file."""
    try:
        Reference.parse(text)
    except UsageError:
        return False
    if not os.path.lexists(text):
        return True
    if ":" in text or "@" in text:
        raise UsageError(
            f"{text}: is both a registry reference and a file here; give the file's full path "
            f"({os.path.abspath(text)}) to check the file, or move it aside to check the registry's"
        )
    return False


def verify_reference(
    text: str,
    key_files: Sequence[Path] = (),
    trust: TrustRoot | None = None,
    *,
    connection: Connection = Connection(),
    revocation_files: Sequence[Path] = (),
) -> RemoteArtefact:
    """`prov verify REF`: the card under trusted keys, the layer digests against it; no weights."""
    from ..store.trust import trust_root
    from .verify import _hasher, with_lists

    ref = Reference.parse(text)
    trust = with_lists(trust or trust_root(list(key_files), target=None), revocation_files)
    with connection.open(ref.host) as registry:
        return fetch(ref, trust, registry, _hasher().cache)


def fetch_parent(text: str, repo: ProvRepo, connection: Connection | None = None) -> RemoteArtefact:
    """A parent that lives in a registry, checked under ``repo``'s trust (its keys and revocations)."""
    from ..store import withdrawals
    from .verify import _hasher

    ref = Reference.parse(text)
    trust = TrustRoot.of_repo(repo).with_revocations(withdrawals.everywhere(repo).revocations)
    with (connection or Connection()).open(ref.host) as registry:
        return fetch(ref, trust, registry, _hasher(repo).cache)


@dataclass(frozen=True)
class ParentState:
    """A registry parent checked now: what `prov lineage` draws and `prov status` reports, from one check."""

    state: str  # verified | changed | unverified | missing (unreachable)
    detail: str | None
    remote: RemoteArtefact | None

    def reason(self, child: str) -> Reason | None:
        from ..model.decision import Reason

        where = self.remote.pinned if self.remote is not None else None
        if self.state == "verified":
            return None
        if self.state == "missing":
            return Reason(code="PARENT_UNREACHABLE", source=where or child, message=self.detail or "unreachable")
        code = "PARENT_CHANGED" if self.state == "changed" else "PARENT_UNVERIFIED"
        return Reason(code=code, source=where or child, message=f"parent {where}: {self.detail}")


def check_parent(oci: str, card_sha256: str, repo: ProvRepo, connection: Connection | None = None) -> ParentState:
    """The parent a card pins in a registry, as it is there now."""
    try:
        remote = fetch_parent(oci, repo, connection)
    except CheckFailed as e:  # the registry served other bytes under the pinned digest
        return ParentState("unverified", f"{oci}: {e}", None)
    except UsageError as e:  # unreachable, refused credentials, a reference that no longer parses
        return ParentState("missing", f"{oci}: {e}", None)
    blocks = [f for f in remote.verdict.findings if f.severity == "block"]
    if any(f.code == "ARTEFACT_MISSING" for f in blocks):
        return ParentState("missing", f"{oci}: no longer in the registry", remote)
    if blocks:
        return ParentState("unverified", ", ".join(f"{f.code}: {f.message}" for f in blocks[:2]), remote)
    if remote.signed is None or remote.signed.sha256 != card_sha256:
        return ParentState("changed", "its card was re-signed after the child's; re-sign the child --overwrite", remote)
    return ParentState("verified", None, remote)


# --- pull -------------------------------------------------------------------------------------------


@dataclass
class PullResult:
    remote: RemoteArtefact
    files: list[str] = field(default_factory=list)
    to: Path | None = None


def pull(
    text: str,
    to: Path,
    key_files: Sequence[Path] = (),
    *,
    connection: Connection = Connection(),
    revocation_files: Sequence[Path] = (),
    progress: Progress | None = None,
) -> PullResult:
    """Download a verified artefact into ``to``: its files (each hashed while it streams), its card and its
    model-signing signature. Nothing appears in ``to`` unless all of it verifies, as `prov verify` would.

    ``to`` is pinned when it is checked (a directory handle), and everything is written through handles
    from then on, so swapping ``to`` for a symbolic link during the download moves nothing elsewhere."""
    from ..store.trust import trust_root
    from .verify import _hasher, with_lists

    ref = Reference.parse(text)
    trust = with_lists(trust_root(list(key_files), target=to), revocation_files)
    target = _PullTarget.pin(to)
    try:
        with connection.open(ref.host) as registry:
            remote = fetch(ref, trust, registry, _hasher().cache)
            model = remote.model
            if not remote.verdict.verified or model is None or remote.card_raw is None:
                return PullResult(remote)
            names = [model.name, model.name + CARD_SUFFIX] + ([model.name + OMS_SUFFIX] if remote.oms_raw else [])
            target.check_free(names)
            _download(registry, ref, remote, model, target, trust, progress)
            target.publish(names)
        target.done = True
        return PullResult(remote, names, target.path)
    finally:
        target.close()


def _download(registry, ref, remote, model, target, trust, progress) -> None:  # type: ignore[no-untyped-def]
    from ..store import atomic
    from .verify import check_target

    root = target.staging / model.name
    card = remote.signed.card  # verified by fetch
    sizes = {f.path: f.size for f in card.artefact.files} if model.kind == "directory" else {}
    for layer in model.layers:
        dest = root if model.kind == "file" else root / layer.path
        size = sizes.get(layer.path, card.artefact.size)  # what the card signed, not what the manifest says
        report = progress(layer.path, size) if progress is not None else None
        try:
            registry.pull_blob(ref.repository, layer.digest, dest, size=size, progress=report)
        except CheckFailed as e:
            raise CheckFailed(f"{e}; nothing was written to {target.path}", code=e.code) from None
    atomic.write_bytes(target.staging / (model.name + CARD_SUFFIX), remote.card_raw)
    if remote.oms_raw:
        atomic.write_bytes(target.staging / (model.name + OMS_SUFFIX), remote.oms_raw)
    target.open_up()
    # What recipients run on the result, run before it is theirs: one gate for files on disk.
    local = check_target(root, trust=trust)
    if not local.verified:
        why = "; ".join(f"{f.code}: {f.message}" for f in local.findings if f.severity == "block")
        raise CheckFailed(f"{ref}: the downloaded copy does not verify ({why}); nothing was written")


@dataclass
class _PullTarget:
    """Where a pull writes: ``path`` (made if missing, with any missing parents, all removed again when
    the pull fails), pinned by directory handles; the download is staged beside or inside it."""

    path: Path
    home_fd: int  # the directory the staging lives in: ``path`` when it existed, else its parent
    staging_name: str
    staging_fd: int
    existed: bool
    made: list[Path] = field(default_factory=list)
    done: bool = False

    @classmethod
    def pin(cls, to: Path) -> _PullTarget:
        if to.is_symlink():
            raise UsageError(f"--to {to}: is a symbolic link; give the directory itself")
        if to.exists() and not to.is_dir():
            raise UsageError(f"--to {to}: exists and is not a directory")
        path = Path(os.path.realpath(to.parent)) / to.name if to.name not in ("", ".", "..") else to.resolve()
        inside = [part for part in path.resolve().parts if part in (".prov", ".git")]
        if inside:
            raise UsageError(f"--to {to}: is inside a {inside[0]}/ directory; pull into a directory of your own")
        made = [p for p in (path, *path.parents) if not os.path.lexists(p)]
        existed = not made
        home = path if existed else path.parent
        home.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
        home_fd = os.open(home, flags)
        name = f".prov-pull-{os.urandom(6).hex()}"
        os.mkdir(name, 0o700, dir_fd=home_fd)
        return cls(path, home_fd, name, os.open(name, flags, dir_fd=home_fd), existed, made[1:] if made else [])

    @property
    def staging(self) -> Path:
        """The staging directory through its handle (Linux), so no path component can be swapped under it."""
        handle = Path(f"/proc/self/fd/{self.staging_fd}")
        if handle.is_dir():
            return handle
        return (self.path if self.existed else self.path.parent) / self.staging_name

    def check_free(self, names: list[str]) -> None:
        if not self.existed:
            return
        clash = [n for n in names if _exists_at(self.home_fd, n)]
        if clash:
            raise UsageError(f"--to {self.path}: {', '.join(clash)} already exists there; pull into another directory")

    def open_up(self) -> None:
        """Give the downloaded files the modes any new file of the user gets (the staging was private)."""
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(self.staging_fd, 0o777 & ~mask)
        for dirpath, dirnames, filenames in os.walk(self.staging):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o777 & ~mask, follow_symlinks=False)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o666 & ~mask, follow_symlinks=False)

    def publish(self, names: list[str]) -> None:
        """Into place: a new ``to`` in one rename; an existing one file by file, the card last (an artefact
        without its card does not verify, so an interruption never leaves something that passes)."""
        if not self.existed:
            os.rename(self.staging_name, self.path.name, src_dir_fd=self.home_fd, dst_dir_fd=self.home_fd)
            self.staging_name = self.path.name
            return
        for name in sorted(names, key=lambda n: n.endswith(CARD_SUFFIX)):
            if _exists_at(self.home_fd, name):
                raise UsageError(f"--to {self.path}: {name} appeared there during the pull; nothing more was moved")
            os.rename(name, name, src_dir_fd=self.staging_fd, dst_dir_fd=self.home_fd)

    def close(self) -> None:
        if not self.done or self.existed:
            _remove_at(self.home_fd, self.staging_name)
        os.close(self.staging_fd)
        os.close(self.home_fd)
        if not self.done:
            for p in self.made:  # the parents this pull made, innermost first, when still empty
                try:
                    os.rmdir(p)
                except OSError:
                    break


def _exists_at(dir_fd: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _remove_at(dir_fd: int, name: str) -> None:
    """Remove the staging directory ``name`` inside the directory ``dir_fd`` names, whatever happened to
    paths since."""
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(name, dir_fd=dir_fd)


# --- push -------------------------------------------------------------------------------------------


@dataclass
class PushResult:
    decision: Decision
    reference: str
    dry_run: bool = False
    pinned: str | None = None
    uploaded: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)  # blobs the registry already had: not sent again
    referrers: dict[str, str] = field(default_factory=dict)  # artifactType -> manifest digest


def push(
    artefact: Path,
    text: str,
    *,
    connection: Connection = Connection(),
    dry_run: bool = False,
    key_name: str | None = None,
    passphrase: userkeys.PassphraseProvider | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> PushResult:
    """Decide, and when allowed push the artefact and what vouches for it. Refused: nothing is sent."""
    from ..card.files import split_target
    from ..gate.commit import WorkTreeView
    from ..gate.context import DecisionContext
    from ..policy.registries import registry_recipient
    from ..store import ledger, userkeys
    from ..store.repo import require_repo
    from ..store.session import hasher_for, utcnow
    from .export import ledger_entry
    from .keys import load_signing_key
    from .verify import verify_target

    now = now or utcnow()
    ref = Reference.parse(text)
    if ref.digest is not None:
        raise UsageError(f"{text}: push to a tag (HOST/REPOSITORY:TAG); a digest names what exists already")
    artefact, _ = split_target(artefact)
    repo = require_repo(artefact if artefact.exists() else artefact.parent)
    ctx = DecisionContext.load(repo, now)
    verification, signed = verify_target(artefact, trust=ctx.trust, repo=repo)
    recipient = registry_recipient(ctx.config, ref.host, ref.repository)
    view = WorkTreeView(repo.root, hasher_for(repo))
    decision = ctx.decide(signed, verification, recipient, view, lambda: artefact if artefact.is_file() else None)
    result = PushResult(decision, str(ref), dry_run)
    if decision.allowed and signed is not None:
        try:
            layout.model_for(signed.card)  # what the registry would refuse, said before anything is sent
        except layout.LayoutError as e:
            raise UsageError(str(e)) from None
    if dry_run:
        return result
    signer_name, key = load_signing_key(key_name, repo, passphrase or userkeys.env_passphrase, now)

    def record(allowed: bool, **extra: str) -> None:
        ledger.append(repo, "push", ledger_entry(repo, artefact, allowed, decision, str(ref), **extra), key, now)

    if not decision.allowed or signed is None:
        record(False)  # a refusal is its outcome; the registry was not contacted
        return result
    with connection.open(ref.host) as registry:
        _upload(registry, ref, artefact, signed, decision, key, signer_name, repo, now, progress, result, record)
    return result


def _upload(registry, ref, artefact, signed, decision, key, signer_name, repo, now, progress, result, record) -> None:  # type: ignore[no-untyped-def]
    from ..card.bundle_writer import export_record, oms_to_ship, signed_record

    card = signed.card
    created = card.created.time.isoformat()
    layers, config, body = layout.model_for(card)  # checked before the decision was returned
    files = [artefact] if card.artefact.kind == "file" else [artefact / layer.path for layer in layers]
    for layer, file in zip(layers, files, strict=True):  # the bytes the card signed, or nothing is sent
        report = progress(layer.path, layer.size) if progress is not None else None
        digest, _, sent = registry.push_file(ref.repository, file, known=layer.digest, size=layer.size, progress=report)
        (result.uploaded if sent else result.present).append(digest)
    registry.push_bytes(ref.repository, config)
    subject = registry.put_manifest(ref.repository, None, body, MANIFEST)
    result.pinned = f"{ref.host}/{ref.repository}@{subject}"

    referrers: list[dict[str, object]] = []

    def refer(artifact_type: str, blob: bytes, title: str) -> None:
        blob_digest = registry.push_bytes(ref.repository, blob)
        registry.push_bytes(ref.repository, layout.EMPTY_BYTES)
        blob_ref, subject_ref = (blob_digest, len(blob)), (subject, len(body))
        manifest = layout.referrer_manifest(artifact_type, blob_ref, title, subject_ref, created)
        digest = registry.put_manifest(ref.repository, None, manifest, MANIFEST)
        referrers.append(layout.referrer_descriptor(manifest, digest, artifact_type, created))
        result.referrers[artifact_type] = digest

    name = card.artefact.name  # what the card was signed for, whatever the local copy is called
    refer(layout.CARD_ARTIFACT, signed.raw, name + CARD_SUFFIX)
    shipped = {name: card.artefact.sha256, name + CARD_SUFFIX: signed.sha256}
    oms = oms_to_ship(repo, artefact, signed, key)
    if oms is not None:
        refer(layout.OMS_ARTIFACT, oms, name + OMS_SUFFIX)
        shipped[name + OMS_SUFFIX] = hashlib.sha256(oms).hexdigest()
    pushed = export_record(signed, decision, key, signer_name, now, name=name, sha256=card.artefact.sha256)
    envelope = signed_record(pushed, shipped, key)
    refer(layout.RECORD_ARTIFACT, envelope, "export.prov.json")
    registry.add_referrers(ref.repository, subject, referrers)  # one read-modify-write of a fallback index
    # The ledger knows of the push before the tag makes it visible; a failure here leaves no tag.
    record(True, record_sha256=hashlib.sha256(envelope).hexdigest(), manifest=subject)
    registry.put_manifest(ref.repository, ref.tag or "latest", body, MANIFEST)
