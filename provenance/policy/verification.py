"""Rules: the card must verify, its parents too, and loading the artefact must not run code."""

from __future__ import annotations

from collections.abc import Iterable

from ..model.card import ModelCard
from ..model.decision import Reason, Verification
from .sources import _block


def artefact_rules(card: ModelCard) -> list[Reason]:
    """Loading the artefact must not run code: untrusted names, refused constructions, or a format prov
    could not inspect all block (fail closed)."""
    inspection = card.artefact.inspection
    if inspection is None:
        return [
            _block(
                "UNSAFE_PICKLE",
                f"artefact {card.artefact.name}",
                "the card records no inspection of the artefact: re-sign it with `prov card --overwrite`",
            )
        ]
    reasons = inspection.unsafe_reasons
    if not reasons:
        return []
    shown = "; ".join(reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")
    if inspection.untrusted_globals or inspection.violations:
        fix = (
            "loading it may run code or corrupt the loader's memory; do not share it, and save the model "
            "again without custom objects"
        )
    else:
        fix = "save it as safetensors (weights), skops (scikit-learn) or ONNX, which carry no code, and re-sign"
    return [_block("UNSAFE_PICKLE", f"artefact {card.artefact.name}", f"{shown}: {fix}")]


# --- audience: confidentiality against who receives it ---------------------------------------------


def unverified(verification: Verification) -> list[Reason]:
    """A card that does not verify decides nothing else: its blocking reasons are the answer."""
    return [r for r in verification.reasons if r.severity == "block"] or [
        Reason(code="CARD_INVALID", message="the card could not be verified", source=verification.card)
    ]


def parent_rules(parents: Iterable[Verification]) -> list[Reason]:
    """A parent whose card no longer verifies (or was re-signed after the child's) blocks the child."""
    out = []
    for pv in parents:
        if not pv.verified:
            why = "; ".join(f"{r.code}: {r.message}" for r in pv.reasons if r.severity == "block")
            out.append(
                _block(
                    "PARENT_UNVERIFIED",
                    f"parent {pv.artefact}",
                    f"the parent's card does not verify ({why}); re-sign it or remove the parent",
                )
            )
    return out
