"""The signatures a card writes beside its artefact for tools other than prov, and their checks.

- ``ARTEFACT.sig``: an OpenSSF model-signing signature over the artefact's files (``crypto.oms``), so
  ``model_signing verify key`` checks the model without prov. Written for every ECDSA signer.
- ``ARTEFACT.card.json`` + ``ARTEFACT.card.sig`` (``prov card --ssh``): the signed statement, byte for
  byte the card's DSSE payload, and an SSH signature over it (``crypto.sshsig``), so ``ssh-keygen -Y
  verify`` checks the card itself.

Each is made from the card as it is signed and rewritten or removed with it: a companion that outlived
its card would vouch for terms the card no longer states. ``prov verify`` checks whichever are present,
and a companion that does not hold blocks as the card would: prov must never say OK where
``model_signing`` or ``ssh-keygen`` says no.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

from ..crypto import oms
from ..filenames import OMS_SUFFIX, SSH_CARD_SUFFIX, SSH_SIG_SUFFIX
from .verify import Finding, revocation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from ..crypto import keys as _keys
    from ..crypto.dsse import Memo
    from ..crypto.keyinfo import PublicKeyInfo
    from ..model.card import ModelCard
    from ..store.trust import Revoked, TrustRoot

# What an artefact holds, as every view of it says (working tree, git's index, a bundle, the card): its
# sha256 (a directory's model-signing root) and, for a directory, each file's sha256 (None for a file).
Content = tuple[str, "Mapping[str, str] | None"]


def oms_resources(sha256: str, files: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """The OMS resources of an artefact: ``[(".", sha256)]`` for a file (``files`` None), every file in
    ``PurePosixPath`` order for a directory."""
    if files is None:
        return [(oms.SINGLE_FILE, sha256)]
    return sorted(files.items(), key=lambda item: PurePosixPath(item[0]))


def oms_signature(card: ModelCard, key: _keys.PrivateKey) -> bytes:
    """``ARTEFACT.sig`` for a card being signed (raises ``oms.OmsUnsupported`` for an Ed25519 key)."""
    a = card.artefact
    payload = oms.statement(a.name, oms_resources(*card_content(card)))
    return oms.sign(payload, key)


def card_content(card: ModelCard) -> Content:
    """What the card says the artefact holds."""
    a = card.artefact
    return a.sha256, ({f.path: f.sha256 for f in a.files} if a.kind == "directory" else None)


def ssh_signature(payload: bytes, key: _keys.PrivateKey, hash_name: str = "sha512") -> bytes:
    """``ARTEFACT.card.sig``: the SSH signature of the card's statement bytes (``ARTEFACT.card.json``)."""
    from ..crypto import sshsig

    return sshsig.sign(payload, key, sshsig.CARD_NAMESPACE, hash_name).encode()  # type: ignore[arg-type]


def check_oms(
    raw: bytes,
    source: str,
    *,
    candidates: Sequence[PublicKeyInfo],
    revoked: Mapping[str, Revoked],
    actual: Content | None,
    card_present: bool,
    memo: Memo | None = None,
) -> tuple[list[Finding], oms.OmsManifest | None]:
    """Check ``ARTEFACT.sig`` as ``model_signing verify key`` would, under the verifier's trusted keys.

    Beside a card, a signature by a key the verifier does not trust (an upstream publisher's, say, or a
    Sigstore certificate) is reported but does not block: the card is the evidence. Without a card it is
    the only evidence, so it must verify."""
    try:
        manifest = oms.verify(raw, candidates, memo)
    except oms.OmsUntrusted as e:
        code = "OMS_SIGNER_UNTRUSTED" if card_present else "KEY_UNTRUSTED"
        return [Finding(code, f"the OpenSSF model-signing signature is {e}", source)], None
    except oms.OmsInvalid as e:
        return [Finding("SIGNATURE_INVALID", f"{source}: {e} (altered after signing)", source)], None
    except oms.OmsCertificate as e:
        code = "OMS_SIGNER_UNTRUSTED" if card_present else "KEY_UNTRUSTED"
        return [Finding(code, f"{source}: {e}", source)], None
    except oms.OmsFormatError as e:
        return [
            Finding("OMS_SIGNATURE_UNREADABLE", f"{source} is not an OpenSSF model-signing signature: {e}", source)
        ], None
    out = revocation(manifest.signer, hashlib.sha256(raw).hexdigest(), revoked, source, "model-signing signature")
    if actual is None:
        return out, manifest  # the artefact is missing: the card's own check says so
    held = dict(oms_resources(*actual))
    signed = manifest.resources
    problems = [f"{n} changed" for n in sorted(held.keys() & signed.keys()) if held[n] != signed[n]]
    problems += [f"{n} is missing" for n in sorted(signed.keys() - held.keys())]
    problems += [f"{n} is not signed" for n in sorted(held.keys() - signed.keys())]
    if problems:
        shown = "; ".join(p.replace(f"{oms.SINGLE_FILE} ", "the file ") for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        out.append(
            Finding(
                "DIGEST_MISMATCH",
                f"the artefact is not what its OpenSSF model-signing signature signed: {shown}{more}",
                source,
            )
        )
    return out, manifest


def check_beside_card(
    read: Callable[[str], bytes | None],
    artefact_name: str,
    *,
    actual: Content | None,
    trust: TrustRoot,
    payload: bytes,
    signer_keyid: str | None,
    memo: Memo | None = None,
) -> list[Finding]:
    """Every companion of a verified card, wherever it lies: ``read(name)`` gives a companion's bytes as that
    place holds them (None: not there; b"": not a regular file, which fails). One check for `prov verify`,
    bundles and the commit gate, so none of them passes a signature another would refuse."""
    oms_name, json_name, sig_name = names(artefact_name)
    out: list[Finding] = []
    raw = read(oms_name)
    if raw is not None:
        out += check_oms(
            raw, oms_name, candidates=trust.keys, revoked=trust.revoked, actual=actual, card_present=True, memo=memo
        )[0]
    card_json, card_sig = read(json_name), read(sig_name)
    signer = next((k for k in trust.keys if k.keyid == signer_keyid), None)
    if (card_json is not None or card_sig is not None) and signer is not None:
        out += check_ssh(card_json, card_sig, payload=payload, signer=signer, names=(json_name, sig_name))
    return out


def check_ssh(
    card_json: bytes | None, card_sig: bytes | None, *, payload: bytes, signer: PublicKeyInfo, names: tuple[str, str]
) -> list[Finding]:
    """``ARTEFACT.card.json`` must be the card's statement byte for byte, and ``ARTEFACT.card.sig`` its SSH
    signature by the card's signer in prov's namespace: otherwise ``ssh-keygen`` vouches for another card."""
    json_name, sig_name = names
    out: list[Finding] = []
    if card_json is not None and card_json != payload:
        out.append(
            Finding(
                "DIGEST_MISMATCH",
                f"{json_name} is not the statement the card signs (stale or altered): re-run `prov card --ssh "
                "--overwrite`",
                json_name,
            )
        )
    if card_sig is not None:
        if card_json is None:
            out.append(Finding("SIGNATURE_INVALID", f"{sig_name} signs a {json_name} that is not there", sig_name))
            return out
        from ..crypto import sshsig

        try:
            sshsig.verify(card_sig.decode("utf-8", "replace"), card_json, signer.key, sshsig.CARD_NAMESPACE)
        except sshsig.SshSigError as e:
            out.append(
                Finding("SIGNATURE_INVALID", f"{sig_name} is not the card signer's SSH signature of it: {e}", sig_name)
            )
    return out


def names(artefact_name: str) -> tuple[str, str, str]:
    return artefact_name + OMS_SUFFIX, artefact_name + SSH_CARD_SUFFIX, artefact_name + SSH_SIG_SUFFIX
