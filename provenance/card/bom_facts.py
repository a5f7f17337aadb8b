"""What the BOM exports (CycloneDX, SPDX 3) say alike, in one place: identifiers, TLP labels, licences, and
the privacy assessment in sentences. Each exporter maps these onto its own vocabulary; none re-reads the
card its own way."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from ..model.card import ModelCard
from ..model.dataset import Confidentiality

# Our confidentiality levels in TLP 2.0 words, as both BOM formats spell them (without the "TLP:").
TLP = {
    Confidentiality.public: "CLEAR",
    Confidentiality.internal: "GREEN",
    Confidentiality.confidential: "AMBER",
    Confidentiality.restricted: "RED",
}


def document_id(card_sha256: str) -> uuid.UUID:
    """One card, one document id: the same card exported twice gives the same id (a UUIDv5 of its digest)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://prov-cards.dev/card/sha256/{card_sha256}")


def model_ref(sha256: str) -> str:
    """The model a card describes. Its parents get ``parent_ref``: a child may be byte-identical to one."""
    return f"model:sha256:{sha256}"


def parent_ref(sha256: str) -> str:
    return f"parent:sha256:{sha256}"


def dataset_ref(manifest_sha256: str) -> str:
    """A dataset by its manifest's digest: unique however its name and version are spelled (``a-b`` v1 and
    ``a`` v``b-1`` must stay two datasets), and safe in an IRI."""
    return f"dataset:sha256:{manifest_sha256}"


def email_or_none(text: str | None) -> str | None:
    """``text`` when it reads as one e-mail address (``local@domain.tld``); else None (kept as a name)."""
    import re

    if text and re.fullmatch(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", text.strip()):
        return text.strip()
    return None


def unique_parents(card: ModelCard) -> list:  # type: ignore[type-arg]
    """The card's parents, one per distinct artefact (two parents with the same bytes are one model)."""
    seen: dict[str, object] = {}
    for p in card.parents:
        seen.setdefault(p.sha256, p)
    return list(seen.values())


def url_or_none(text: str | None) -> str | None:
    """``text`` when it is an absolute http(s) URL (what BOM readers can follow), else None."""
    if not text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in text) else None


def privacy_sentences(card: ModelCard) -> list[tuple[str, str]]:
    """(title, statement) pairs: the signed privacy assessment as a compliance reader wants it."""
    privacy = card.privacy
    out: list[tuple[str, str]] = []
    mem = privacy.memorisation
    out.append(
        (
            f"Memorisation risk: {mem.risk}",
            (mem.summary or f"Assessed by {mem.method}.")
            + " A model that holds training records verbatim (k-NN, SVM support vectors) is a copy of them.",
        )
    )
    mi = privacy.membership_inference
    if mi is not None:
        top, bound = mi.strongest(), mi.verdict_bound()
        verdict = (
            f"the verdict's bound (highest 95% upper limit over every attack) is {bound:.3f}"
            if bound is not None
            else "no anonymity claim rests on it: " + "; ".join(mi.objections())
        )
        out.append(
            (
                f"Membership inference: strongest advantage {top.advantage:.3f} ({top.attack})",
                f"Audited ({f'{mi.budget} budget' if mi.budget else 'loss threshold only'}) on {mi.n_members} "
                f"training and {mi.n_nonmembers} holdout rows; {verdict}.",
            )
        )
    else:
        out.append(("Membership inference: not audited", "No membership-inference audit was signed with this card."))
    dp = privacy.differential_privacy
    if dp is not None:
        delta = f", delta {dp.delta:g}" if dp.delta is not None else ""
        out.append((f"Differential privacy: epsilon {dp.epsilon:g}{delta}", dp.mechanism or "Declared by the signer."))
    if card.effective_terms.personal_data:
        out.append(
            (
                "Trained on personal data",
                "The training data holds personal data (GDPR Art. 4(1)); the model counts as personal data unless "
                "its signed assessment shows it anonymous (EDPB Opinion 28/2024).",
            )
        )
    return out
