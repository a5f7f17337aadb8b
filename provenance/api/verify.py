"""Verification, what recipients run: a card against its artefact, or an export bundle.

Imports only what verifying needs (no numpy, scikit-learn or jinja2), so a CI job checking many
artefacts pays for hashing and signatures, not for start-up. Trusted keys come from ``--key`` files or
the repository the verifier works in, never from a ``.prov/`` inside the thing being verified.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..card.paths import split_target
from ..card.verify import Finding, Verdict, check_card, to_verification
from ..digest import Hasher, TreeDigest, content, unsigned_entries
from ..errors import UsageError
from ..filenames import CARD_SUFFIX, OMS_SUFFIX, RECORD_NAME, REVOCATIONS_NAME
from ..regularfile import read_regular
from ..store.repo import ProvRepo, find_repo
from ..store.session import hasher_for
from ..store.trust import TrustRoot, trust_root

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..card.files import SignedCard
    from ..model.decision import Reason, Verification
    from ..model.export import BundleVerification


def check_target(
    target: Path,
    key_files: Sequence[Path] = (),
    trust: TrustRoot | None = None,
    *,
    full: bool = False,
    repo: ProvRepo | None = None,
    revocation_files: Sequence[Path] = (),
    oms_only: bool = False,
) -> Verdict:
    """Verify an artefact (or its envelope) against trusted keys: ``trust``, else ``key_files``, else the
    repository the user works in (never one inside the target). ``full`` also reads the whole card.
    ``revocation_files``: signed revocation lists to honour (each must be signed by a trusted key).

    The companion signatures beside the artefact (``card.companions``) are checked too, and one that
    does not hold blocks. ``oms_only`` (`prov verify`, never a decision): an artefact with no card but an
    OpenSSF model-signing signature verifies on that signature alone, with the warning OMS_ONLY."""
    artefact, card_file = split_target(target)  # `prov verify .` means this directory, by its name
    trust = with_lists(trust or trust_root(list(key_files), target=artefact), revocation_files)
    oms_file = artefact.with_name(artefact.name + OMS_SUFFIX)
    if not card_file.exists():
        if oms_only and oms_file.is_file():
            return _oms_only(artefact, oms_file, trust, _hasher(repo))
        missing = f"{artefact.name} has no signed card ({card_file.name}); run `prov card` to create one"
        return Verdict(artefact.name, card_file.name, [Finding("CARD_MISSING", missing, str(card_file))])
    raw = read_regular(card_file)
    hasher = _hasher(repo)
    tree = _digest_meanwhile(hasher, artefact, raw, trust) if artefact.exists() else None
    directory = tree is not None and tree.kind == "directory"
    verdict = check_card(
        raw,
        artefact_name=artefact.name,
        card_name=card_file.name,
        candidates=trust.keys,
        revoked=trust.revoked,
        actual_sha256=tree.sha256 if tree else None,
        actual_files={f.path: f.sha256 for f in tree.files} if tree and directory else None,
        actual_kind=tree.kind if tree else None,
        full=full,
        memo=hasher.cache,
    )
    if not full and verdict.facts is not None:
        _validate_whole(raw, verdict, hasher)
    if directory:
        # Files a directory's digest leaves out are not covered by its card: say so, never silently.
        verdict.findings += [
            Finding(
                "UNSIGNED_FILE",
                f"{name} is inside {artefact.name} but not covered by its card (top-level .git* and .github "
                "are left out of the digest): do not trust it; prov export leaves it out",
                name,
            )
            for name in unsigned_entries(artefact)
        ]
    if verdict.facts is not None:
        verdict.findings += _companions(artefact, verdict, trust, tree, hasher)
    return verdict


def _companions(
    artefact: Path, verdict: Verdict, trust: TrustRoot, tree: TreeDigest | None, hasher: Hasher
) -> list[Finding]:
    """The signatures for other tools beside a verified card: each must say what the card says."""
    from ..card import companions

    oms_name = companions.names(artefact.name)[0]
    linked = artefact.is_symlink()

    def read(name: str) -> bytes | None:
        path = artefact.with_name(name)
        if (linked and name == oms_name) or not (path.exists() or path.is_symlink()):
            return None
        return _companion_bytes(path)

    out: list[Finding] = []
    if linked and _exists(artefact.with_name(oms_name)):
        out.append(
            Finding(
                "ARTEFACT_NOT_A_FILE",
                f"{artefact.name} is a symbolic link, which model_signing refuses to verify: {oms_name} cannot "
                "hold for it; sign the file itself",
                oms_name,
            )
        )
    found = companions.check_beside_card(
        read,
        artefact.name,
        actual=content(tree) if tree else None,
        trust=trust,
        payload=verdict.envelope.payload if verdict.envelope else b"",
        signer_keyid=verdict.keyid if verdict.envelope else None,
        memo=hasher.cache,
    )
    # What the card already says (the artefact changed, the key is revoked) a signature need not repeat.
    said = {f.code for f in verdict.findings}
    return out + [f for f in found if f.code not in said]


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _companion_bytes(path: Path) -> bytes:
    """A companion's bytes; one that is not a regular file (a symbolic link included: what it points at
    can change under the card) reads as empty, which fails its check -- as the commit gate reads it."""
    if path.is_symlink():
        return b""
    try:
        return read_regular(path)
    except (OSError, UsageError):
        return b""


def _oms_only(artefact: Path, oms_file: Path, trust: TrustRoot, hasher: Hasher) -> Verdict:
    """No card, an OpenSSF model-signing signature: integrity and signer, nothing about terms."""
    from ..card import companions

    if artefact.is_symlink():
        link = f"{artefact.name} is a symbolic link, which model_signing refuses to verify; verify the file itself"
        return Verdict(artefact.name, oms_file.name, [Finding("ARTEFACT_NOT_A_FILE", link, str(artefact))])
    tree = hasher.tree(artefact) if artefact.exists() else None
    verdict = Verdict(artefact.name, oms_file.name, actual_sha256=tree.sha256 if tree else None)
    if tree is None:
        verdict.findings.append(Finding("ARTEFACT_MISSING", f"{artefact} is not there to check", str(artefact)))
        return verdict
    found, manifest = companions.check_oms(
        _companion_bytes(oms_file),
        oms_file.name,
        candidates=trust.keys,
        revoked=trust.revoked,
        actual=content(tree),
        card_present=False,
        memo=hasher.cache,
    )
    verdict.findings += found
    if manifest is not None:
        verdict.keyid, verdict.signer = manifest.signer.keyid, manifest.signer.name
        verdict.subject_sha256 = tree.sha256 if not found else None
    verdict.findings.append(
        Finding(
            "OMS_ONLY",
            f"{artefact.name} has no prov card, only an OpenSSF model-signing signature ({oms_file.name}): it shows "
            "who signed which bytes, not the data's terms; prov check and prov export refuse it until it has a card",
            str(oms_file),
        )
    )
    if tree.kind == "directory":
        verdict.findings += [
            Finding("UNSIGNED_FILE", f"{name} is inside {artefact.name} but not covered by the signature", name)
            for name in unsigned_entries(artefact)
        ]
    return verdict


def with_lists(trust: TrustRoot, files: Sequence[Path]) -> TrustRoot:
    """``trust`` with the revocations of each signed list merged in; a list not signed by a trusted key,
    or that does not read, is the user's mistake (exit 2), not something to skip silently."""
    if not files:
        return trust
    from ..card import revocation_list

    lists = []
    for f in files:
        try:
            raw = read_regular(f, limit=1 << 26)
        except OSError as e:
            raise UsageError(f"--revocations {f}: cannot read it ({getattr(e, 'strerror', None) or e})") from None
        lists.append(revocation_list.read(raw, trust.keys, f"--revocations {f}"))
    # A list signed by a key the verifier already holds revoked counts only for that key itself: a stolen
    # key may confess, not revoke the keys that replaced it. Lists that revoke each other's signers are
    # all honoured: a revocation never makes anything verify, so the conflict fails closed.
    known = set(trust.revoked)
    for revs, signer in lists:
        trust = trust.with_revocations(r for r in revs if signer.keyid not in known or r.keyid == signer.keyid)
    return trust


def verify_target(
    target: Path, key_files: Sequence[Path] = (), trust: TrustRoot | None = None, repo: ProvRepo | None = None
) -> tuple[Verification, SignedCard | None]:
    """``check_target`` with the whole card read, for decisions: the verdict and the verified card."""
    verdict = check_target(target, key_files, trust, full=True, repo=repo)
    return to_verification(verdict), verdict.signed


def _digest_meanwhile(hasher: Hasher, artefact: Path, raw: bytes, trust: TrustRoot) -> TreeDigest:
    """The artefact's digest, computed on other threads while this one reads the card ahead (the imports,
    the signature, the schema a cold check needs): hashing a large artefact then hides the card's cost.
    What is read ahead decides nothing -- the check after it reads the card again and decides alone."""
    pending = hasher.start_tree(artefact)
    if pending.todo_bytes >= _READ_AHEAD_MIN:
        try:
            _read_ahead(raw, trust, hasher)
        except BaseException:
            pending.cancel()
            raise
    return pending.result()


_READ_AHEAD_MIN = 16 * 1024 * 1024  # below this the hashing is over before reading ahead would pay


def _read_ahead(raw: bytes, trust: TrustRoot, hasher: Hasher) -> None:
    """Do once what ``check_card`` and ``_validate_whole`` will do, for its side effects only: modules
    imported, the card schema built. Remembers nothing and raises nothing; skipped where the cache already
    knows the card valid (a warm verify needs neither cryptography nor pydantic)."""
    from ..card.envelope import parse_envelope
    from ..card.facts import read_facts
    from ..card.verify import signed_by, whole_card
    from ..quickhash import sha256

    if hasher.cache is not None and hasher.cache.card_valid(_valid_key(sha256(raw).hexdigest())):
        return
    try:
        envelope = parse_envelope(raw)
        signed_by(envelope, trust.keys, "", "card", None)
        whole_card(raw, envelope, read_facts(envelope.payload))
    except Exception:
        pass  # the check proper says what is wrong with the card


def _validate_whole(raw: bytes, verdict: Verdict, hasher: Hasher) -> None:
    """`prov verify` promises a valid card, not only valid facts: the whole schema is checked once per
    card (by its bytes and this prov version) and remembered, so a warm verify needs no pydantic."""
    from ..card.facts import FactsError
    from ..card.verify import whole_card

    key = _valid_key(verdict.card_sha256)  # type: ignore[arg-type]
    if hasher.cache is not None and hasher.cache.card_valid(key):
        return
    try:
        whole_card(raw, verdict.envelope, verdict.facts)  # type: ignore[arg-type]
    except FactsError as e:
        verdict.findings[:] = [
            Finding("CARD_INVALID", f"the signed statement is not a valid prov card: {e}", verdict.card)
        ]
        verdict.facts = verdict.envelope = None
        verdict.signed_at = verdict.subject_sha256 = None
        return
    if hasher.cache is not None:
        hasher.cache.record_card_valid(key)


def _valid_key(card_sha256: str) -> str:
    """The remembered fact "this card (by its sha256) is valid whole" for this prov version."""
    from .._version import __version__
    from ..quickhash import sha256

    return sha256(f"prov {__version__}\n{card_sha256}".encode()).hexdigest()


def _hasher(repo: ProvRepo | None = None) -> Hasher:
    """The verifier's own cache: the repository given (the one a command works in) or the one the current
    directory is in -- never one found beside or inside the thing verified, which could ship its own.
    Opened once per repository per process (``DigestCache.shared``)."""
    return hasher_for(repo or find_repo(Path.cwd()))


def verify(target: Path, key_files: Sequence[Path] = ()) -> Verification:
    return verify_target(target, key_files)[0]


def bundle_listing(
    bundle: Path, hasher: Hasher | None = None
) -> tuple[dict[str, str | None], dict[str, dict[str, str]], list[str]]:
    """(digest of every regular file or directory directly inside a bundle, the file lists of its
    directories, entries that are neither or that no bundle holds: symlinks, special files, anything a
    directory artefact's digest leaves out)."""
    hasher = hasher or Hasher(show_progress=None)
    digests: dict[str, str | None] = {}
    files: dict[str, dict[str, str]] = {}
    odd: list[str] = []
    for entry in sorted(bundle.iterdir()):
        if entry.name == RECORD_NAME:
            continue
        if entry.is_symlink() or not (entry.is_file() or entry.is_dir()):
            odd.append(entry.name)
            continue
        if entry.is_dir():
            inner = _odd_inside(entry)
            if inner:
                odd += [f"{entry.name}/{x}" for x in inner]
                continue
        tree = hasher.tree(entry)
        digests[entry.name] = tree.sha256
        if tree.kind == "directory":
            files[entry.name] = {f.path: f.sha256 for f in tree.files}
    return digests, files, odd


def _odd_inside(directory: Path) -> list[str]:
    out = unsigned_entries(directory)
    for dirpath, dirnames, filenames in os.walk(directory):
        for name in [*dirnames, *filenames]:
            full = Path(dirpath, name)
            if full.is_symlink() or not (full.is_file() or full.is_dir()):
                out.append(full.relative_to(directory).as_posix())
    return sorted(set(out))


def is_bundle(path: Path) -> bool:
    return path.is_dir() and (path / RECORD_NAME).is_file()


def verify_bundle_dir(
    bundle: Path, key_files: list[Path], trust: TrustRoot | None = None, revocation_files: Sequence[Path] = ()
) -> BundleVerification:
    """Verify a bundle on any machine: only ``--key`` files or the verifier's own repository are trusted,
    never a ``.prov/`` shipped inside the bundle; the bundle must hold exactly the files its record names.
    The revocation list a bundle carries counts only when signed by a key the recipient trusts."""
    from ..card.bundle import verify_bundle
    from ..model.decision import Reason

    trust = with_lists(trust or trust_root(key_files, target=bundle), revocation_files)
    notes: list[Reason] = []
    carried = bundle / REVOCATIONS_NAME
    if carried.is_file() and not carried.is_symlink():
        try:
            trust = with_lists(trust, [carried])
        except UsageError as e:
            notes.append(
                Reason(
                    code="REVOCATIONS_UNTRUSTED",
                    source=REVOCATIONS_NAME,
                    message=f"{e}: not applied (pass the signer's key with --key to apply it)",
                )
            )
    record_raw = read_regular(bundle / RECORD_NAME) if (bundle / RECORD_NAME).is_file() else None
    cards = sorted(c for c in bundle.glob("*" + CARD_SUFFIX) if c.name != RECORD_NAME and c.is_file())
    if len(cards) > 1:
        raise UsageError(f"{bundle}: holds {len(cards)} cards; a bundle carries one artefact")
    card_file = cards[0] if cards else None
    digests, files, odd = bundle_listing(bundle)
    result = verify_bundle(
        bundle=str(bundle),
        record_raw=record_raw,
        card_raw=read_regular(card_file) if card_file else None,
        card_name=card_file.name if card_file else "(card)",
        file_digests=digests,
        directory_files=files,
        odd_entries=odd,
        candidates=trust.keys,
        revoked=trust.revoked,
    )
    if result.artefact is not None:
        notes += _bundle_companions(bundle, result.artefact, digests, files, card_file, trust)
    if notes:
        reasons = [*result.reasons, *notes]
        verified = result.verified and not any(r.severity == "block" for r in notes)
        result = result.model_copy(update={"reasons": reasons, "verified": verified})
    return result


def _bundle_companions(
    bundle: Path,
    artefact: str,
    digests: dict[str, str | None],
    files: dict[str, dict[str, str]],
    card_file: Path | None,
    trust: TrustRoot,
) -> list[Reason]:
    """A bundle's companion signatures must say what its card says, as beside an artefact."""
    from ..card import companions
    from ..card.envelope import parse_envelope
    from ..model.decision import Reason

    def read(name: str) -> bytes | None:
        return _companion_bytes(bundle / name) if (bundle / name).is_file() else None

    try:
        envelope = parse_envelope(read_regular(card_file)) if card_file is not None else None
    except ValueError:
        envelope = None  # the card's own check has said why
    signer = envelope.verified_by(trust.keys) if envelope is not None else None
    sha = digests.get(artefact)
    found = companions.check_beside_card(
        read,
        artefact,
        actual=None if sha is None else (sha, files.get(artefact)),
        trust=trust,
        payload=envelope.payload if envelope is not None else b"",
        signer_keyid=signer.keyid if signer is not None else None,
    )
    return [Reason(**f.as_dict()) for f in found]
