"""Rules: GDPR for personal data leaving the organisations that hold it, and the model's own privacy
assessment (does it hold the data?)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.card import Leak, ModelCard
from ..model.config import Config
from ..model.decision import Reason
from .exposure import is_anonymous
from .sources import Audience, Source, _block, _inside_eea, _warn

AUDIT_COMMAND = "prov card ARTEFACT --dataset NAME --train FILE --holdout FILE --overwrite"


@dataclass(frozen=True)
class _Assessment:
    leak: Leak  # the attack that set the verdict (MembershipAudit.bound)
    method: str


def gdpr_rules(source: Source, audience: Audience, anonymous: _Assessment | None) -> list[Reason]:
    """Personal data leaving the organisations that hold it. A model whose signed assessment shows it
    anonymous (EDPB Opinion 28/2024) turns what would block into one ANONYMOUS_MODEL warning."""
    t = source.terms
    if not t.personal_data:
        return []
    out: list[Reason] = []
    missing = [e.source for e in t.legal_bases if not e.legal_basis]
    if missing:
        out.append(
            _block(
                "PERSONAL_DATA_NO_BASIS",
                source.label,
                f"personal data from {', '.join(missing)} has no GDPR Art. 6(1) legal basis; "
                "record legal_basis in the manifest",
            )
        )
    if t.special_categories and not t.anonymised:
        out.append(
            _block(
                "SPECIAL_CATEGORY_DATA",
                source.label,
                f"{source.label} holds special-category data ({', '.join(t.special_categories)}, "
                "GDPR Art. 9) that is not anonymised",
            )
        )
    territory = audience.recipient.territory
    if not t.transfer_outside_eea:
        if audience.recipient.kind == "repository":
            why = f"{source.label} may not leave the EEA, and a public repository is readable from anywhere"
        elif territory is None:
            why = f"{source.label} may not leave the EEA; state --territory"
        elif not _inside_eea(territory):
            why = f"{source.label} may not be transferred outside the EEA, and {territory} is outside it"
        else:
            why = ""
        if why:
            out.append(_block("TRANSFER_OUTSIDE_EEA", source.label, why))
    if anonymous is None or not out:
        return out
    return [
        _warn(
            "ANONYMOUS_MODEL",
            source.label,
            f"the model counts as anonymous (memorisation risk low; membership advantage at most "
            f"{anonymous.leak.upper:.3f} at 95% confidence against the strongest attack, {anonymous.leak.attack}; "
            f"{anonymous.method}), so these do not block: " + "; ".join(f"{r.code}: {r.message}" for r in out),
        )
    ]


def privacy_rules(card: ModelCard, config: Config) -> list[Reason]:
    """Does the model itself hold the personal data? Act on the card's signed privacy assessment."""
    mem = card.privacy.memorisation
    label = f"artefact {card.artefact.name}"
    if mem.risk == "high":
        found = "; ".join(mem.findings) or mem.method
        return [
            _block(
                "PERSONAL_DATA_MEMORISED",
                label,
                f"the model holds training records verbatim ({found}): sharing it shares the personal data",
            )
        ]
    out: list[Reason] = []
    mi = card.privacy.membership_inference
    strongest = mi.strongest() if mi else None
    advantage = strongest.advantage if strongest else None
    limit = config.policy.membership_advantage_max
    if strongest is not None and strongest.advantage > limit:
        out.append(
            _block(
                "MEMBERSHIP_LEAKAGE",
                label,
                f"membership-inference advantage {strongest.advantage:.3f} ({strongest.attack}) exceeds "
                f"policy.membership_advantage_max {limit}: an attacker can tell who was in the training data",
            )
        )
    if config.policy.require_privacy_audit_for_personal_data and (mem.risk != "low" or advantage is None):
        out.append(
            _block(
                "PRIVACY_AUDIT_MISSING",
                label,
                f"the card has no privacy assessment showing low memorisation risk and a measured membership "
                f"advantage; re-sign it with the audit: `{AUDIT_COMMAND}`",
            )
        )
    return out


def anonymous_assessment(card: ModelCard, config: Config) -> _Assessment | None:
    """EDPB Opinion 28/2024 test: low memorisation risk, and every attack the budget called for run and --
    at the upper end of its 95% interval -- within the policy limit (``MembershipAudit.verdict_bound``)."""
    mem = card.privacy.memorisation
    mi = card.privacy.membership_inference
    if mi is not None and is_anonymous(mem.risk, mi.verdict_bound(), config.policy.membership_advantage_max):
        return _Assessment(mi.bound(), mem.method)
    return None


# --- helpers -------------------------------------------------------------------------------------------
