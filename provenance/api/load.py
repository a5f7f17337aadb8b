"""``provenance.load``: verify, then load through the construction policy, from the bytes that verified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..analysis.pickles.reader import Limits
from ..errors import CheckFailed, UsageError
from ..store.limits import limits_near


def load_verified(path: Path, key_files: list[Path], limits: Limits | None = None) -> Any:
    from ..analysis.safe_load import UnsafePickleError, inspect_pickle, load_model, load_parsed
    from .verify import verify_target

    if not path.exists():
        raise UsageError(f"{path}: no such artefact")
    verification, signed = verify_target(path, key_files)
    blocking = [r for r in verification.reasons if r.severity == "block"]
    if not verification.verified or signed is None:
        first = blocking[0] if blocking else None
        raise CheckFailed(
            f"{path}: refusing to load: {first.message if first else 'the card does not verify'}",
            code=first.code if first else "CARD_INVALID",
        )
    artefact = signed.statement.predicate.artefact
    if artefact.kind != "file":
        raise UsageError(f"{path}: a directory artefact; load its files with the library that reads them")
    unsafe = artefact.inspection.unsafe_reasons if artefact.inspection else ["no inspection recorded"]
    if unsafe:
        raise UnsafePickleError(path, unsafe, detail="the signer's inspection found it unsafe to load")
    if artefact.format == "skops":
        return load_model(path)
    inspected = inspect_pickle(path, limits or limits_near(path), digest=True)
    parse = inspected.parse
    if parse is not None and parse.container.startswith("pytorch"):
        raise UsageError(
            f"{path}: prov inspects PyTorch files but does not load them; after `prov verify`, load it with "
            "torch.load(path, weights_only=True)"
        )
    if parse is not None and parse.sha256 != artefact.sha256:
        raise CheckFailed(
            f"{path}: the bytes read have sha256 {parse.sha256[:16]}…, the card signed {artefact.sha256[:16]}…: "
            "the file changed while it was being loaded",
            code="DIGEST_MISMATCH",
        )
    return load_parsed(path, inspected)
