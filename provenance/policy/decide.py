"""The export decision: may this artefact go to this recipient? A pure function, readable as rules.

Every input comes in as an argument (the verified card, the current manifests, the recipient, the
project config, the time), so the same inputs always give the same Decision. The rules are evaluated
per source (each dataset, each parent) so that every reason names where it comes from; since every
rule is a per-source constraint, this equals evaluating the joined terms, and adding a source can only
add reasons, never remove one.

Reason codes are stable strings; see ``CODES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..model.card import ModelCard
from ..model.config import Config
from ..model.dataset import EEA_COUNTRIES, TERRITORY_GROUPS, Confidentiality, DatasetTerms, Derivatives
from ..model.decision import Decision, Reason, Recipient, Verification
from ..model.terms import EffectiveTerms, LicenceEntry
from .licence_terms import LicenceTerms, lookup
from .terms import dataset_terms, join

CODES = {
    # verification first
    "CARD_MISSING", "SIGNATURE_INVALID", "KEY_UNTRUSTED", "KEY_REVOKED", "DIGEST_MISMATCH", "CARD_INVALID",
    "ARTEFACT_MISSING", "PARENT_UNVERIFIED",
    # audience and agreements
    "CONFIDENTIALITY_AUDIENCE", "AGREEMENT_FORBIDS_SHARING", "RECIPIENT_NOT_PERMITTED", "PURPOSE_NOT_PERMITTED",
    "TERRITORY_NOT_PERMITTED", "AGREEMENT_EXPIRED",
    # dates
    "EMBARGO_ACTIVE", "RETENTION_EXPIRED",
    # licences
    "LICENCE_NONCOMMERCIAL", "LICENCE_NO_DERIVATIVES", "LICENCE_UNKNOWN", "LICENCE_SHARE_ALIKE",
    "LICENCE_ATTRIBUTION", "LICENCE_USE_RESTRICTIONS",
    # GDPR and the model's privacy assessment
    "PERSONAL_DATA_NO_BASIS", "SPECIAL_CATEGORY_DATA", "TRANSFER_OUTSIDE_EEA", "PERSONAL_DATA_MEMORISED",
    "PRIVACY_AUDIT_MISSING", "MEMBERSHIP_LEAKAGE",
    # the artefact itself
    "UNSAFE_PICKLE",
    # raw data committed to a repository
    "PERSONAL_DATA_PUBLIC",
    # bookkeeping
    "DATASET_UNREGISTERED",
}  # fmt: skip

AUDIT_COMMAND = "prov card ARTEFACT --dataset NAME --train FILE --holdout FILE --overwrite"


@dataclass(frozen=True)
class Source:
    """One thing the artefact was made from, with the terms that bind it."""

    label: str  # "dataset patients-2024" / "parent base.joblib"
    terms: EffectiveTerms


@dataclass(frozen=True)
class Audience:
    recipient: Recipient
    internal: bool  # the recipient's organisation owns the repository

    def inside(self, source: Source) -> bool:
        """Internal, or the organisation that owns the source's data: sharing stays with those who hold it."""
        return self.internal or any(_same_org(self.recipient.org, owner) for owner in source.terms.owners)

    @property
    def who(self) -> str:
        r = self.recipient
        return f"{r.name} ({r.org})" if r.org else r.name


def sources_of(card: ModelCard, current: Mapping[str, DatasetTerms]) -> tuple[list[Source], list[Reason]]:
    """Datasets (the stricter of the signed snapshot and the current manifest) and parents."""
    out: list[Source] = []
    notes: list[Reason] = []
    for d in card.datasets:
        parts = [dataset_terms(d.name, d.terms)]
        if d.name in current:
            parts.append(dataset_terms(d.name, current[d.name]))
        else:
            notes.append(
                _warn(
                    "DATASET_UNREGISTERED",
                    f"dataset {d.name}",
                    f"{d.name} is no longer registered here; the terms signed into the card apply",
                )
            )
        out.append(Source(f"dataset {d.name}", join(parts)))
    for p in card.parents:
        # A grandparent's dataset may have been tightened since the parent was signed: apply it too.
        tightened = [dataset_terms(n, current[n]) for n in p.terms.sources if n in current]
        out.append(Source(f"parent {p.name}", join([p.terms, *tightened]) if tightened else p.terms))
    return out, notes


def decide(
    card: ModelCard | None,
    verification: Verification,
    *,
    current: Mapping[str, DatasetTerms],
    recipient: Recipient,
    config: Config,
    now: dt.datetime,
    parents: Iterable[Verification] = (),
) -> Decision:
    if not verification.verified or card is None:
        blocking = [r for r in verification.reasons if r.severity == "block"] or [
            Reason(code="CARD_INVALID", message="the card could not be verified", source=verification.card)
        ]
        return Decision(allowed=False, reasons=blocking, recipient=recipient, artefact=verification.artefact)

    audience = Audience(recipient, _same_org(recipient.org, config.repository.owner))
    today = now.astimezone(dt.UTC).date()
    sources, reasons = sources_of(card, current)
    for pv in parents:
        if not pv.verified:
            why = "; ".join(f"{r.code}: {r.message}" for r in pv.reasons if r.severity == "block")
            reasons.append(
                _block(
                    "PARENT_UNVERIFIED",
                    f"parent {pv.artefact}",
                    f"the parent's card does not verify ({why}); re-sign it or remove the parent",
                )
            )
    if not sources:
        reasons.append(
            _block(
                "LICENCE_UNKNOWN",
                verification.card,
                "the card names no dataset or parent, so its terms are unknown; re-sign it with --dataset",
            )
        )
    reasons += artefact_rules(card)
    anonymous = _anonymous(card, config)
    for source in sources:
        reasons += audience_rules(source, audience)
        reasons += agreement_rules(source, audience, today)
        reasons += date_rules(source, today, anonymous is not None)
        reasons += licence_rules(source, audience)
        if not audience.inside(source):
            reasons += gdpr_rules(source, audience, anonymous)
    if any(s.terms.personal_data and not audience.inside(s) for s in sources):
        reasons += privacy_rules(card, config)
    reasons = _dedupe(reasons)
    allowed = not any(r.severity == "block" for r in reasons)
    return Decision(
        allowed=allowed,
        reasons=reasons,
        recipient=recipient,
        artefact=card.artefact.name,
        effective_terms=join([s.terms for s in sources]) if sources else None,
    )


# --- the artefact itself -------------------------------------------------------------------------------


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


def audience_rules(source: Source, audience: Audience) -> list[Reason]:
    t = source.terms
    conf = t.confidentiality
    if conf is Confidentiality.public:
        return []
    if conf is Confidentiality.restricted:
        if _listed(audience.recipient, t.recipients) and t.derivatives in (Derivatives.listed, Derivatives.any):
            return []
        return [
            _block(
                "CONFIDENTIALITY_AUDIENCE",
                source.label,
                f"{source.label} is restricted (TLP:RED): only recipients an agreement lists by name may "
                f"receive it, and {audience.who} is not listed",
            )
        ]
    if audience.inside(source):
        return []
    if t.derivatives is Derivatives.any or (
        t.derivatives is Derivatives.listed and _listed(audience.recipient, t.recipients)
    ):
        return []
    return [
        _block(
            "CONFIDENTIALITY_AUDIENCE",
            source.label,
            f"{source.label} is {conf.value} ({conf.tlp}): it stays inside the owning organisation unless an "
            f"agreement permits sharing derivatives with {audience.who}",
        )
    ]


# --- agreements: what the NDAs / data-use agreements permit ----------------------------------------


def agreement_rules(source: Source, audience: Audience, today: dt.date) -> list[Reason]:
    t = source.terms
    if not t.agreements:
        return []
    ids = ", ".join(t.agreements)
    where = f"{source.label} (agreement {ids})"
    out: list[Reason] = []
    if t.agreements_expire is not None and t.agreements_expire < today:
        out.append(
            _block(
                "AGREEMENT_EXPIRED",
                where,
                f"agreement {ids} expired on {t.agreements_expire}: an expired agreement grants nothing; "
                "renew it and update the manifest",
            )
        )
    if t.derivatives is Derivatives.none:
        out.append(
            _block(
                "AGREEMENT_FORBIDS_SHARING",
                where,
                f"agreement {ids} forbids sharing derivatives (models) of {source.label} with anyone",
            )
        )
    elif t.derivatives is Derivatives.internal and not audience.inside(source):
        out.append(
            _block(
                "AGREEMENT_FORBIDS_SHARING",
                where,
                f"agreement {ids} permits derivatives inside the organisation only, not to {audience.who}",
            )
        )
    elif (
        t.derivatives is Derivatives.listed
        and not audience.inside(source)
        and not _listed(audience.recipient, t.recipients)
    ):
        listed = ", ".join(t.recipients or []) or "nobody"
        out.append(
            _block(
                "RECIPIENT_NOT_PERMITTED",
                where,
                f"agreement {ids} lists the recipients ({listed}); {audience.who} is not one of them",
            )
        )
    if audience.recipient.kind == "repository":
        return out + _repository_use(t, ids, where, audience)
    purpose = audience.recipient.purpose
    if t.commercial_use is False and purpose == "commercial":
        out.append(_block("PURPOSE_NOT_PERMITTED", where, f"agreement {ids} does not permit commercial use"))
    if t.purposes is not None:
        if purpose is None:
            out.append(
                _block(
                    "PURPOSE_NOT_PERMITTED",
                    where,
                    f"agreement {ids} limits purposes to {', '.join(t.purposes)}; state --purpose",
                )
            )
        elif purpose.casefold() not in {p.casefold() for p in t.purposes}:
            out.append(
                _block(
                    "PURPOSE_NOT_PERMITTED",
                    where,
                    f"purpose {purpose!r} is not among those agreement {ids} permits "
                    f"({', '.join(t.purposes) or 'none'})",
                )
            )
    if t.territories is not None:
        territory = audience.recipient.territory
        if territory is None:
            out.append(
                _block(
                    "TERRITORY_NOT_PERMITTED",
                    where,
                    f"agreement {ids} limits territories to {', '.join(t.territories)}; state --territory",
                )
            )
        elif not _within(territory, t.territories):
            out.append(
                _block(
                    "TERRITORY_NOT_PERMITTED",
                    where,
                    f"{territory} is outside the territories agreement {ids} permits "
                    f"({', '.join(t.territories) or 'none'})",
                )
            )
    return out


def dataset_file_rules(
    name: str, terms: DatasetTerms, recipient: Recipient, config: Config, now: dt.datetime
) -> list[Reason]:
    """Raw data committed to a repository: the data itself, not a derivative, goes to its audience."""
    source = Source(f"dataset {name}", dataset_terms(name, terms))
    audience = Audience(recipient, _same_org(recipient.org, config.repository.owner))
    t = source.terms
    out: list[Reason] = []
    inside = audience.inside(source)
    if t.confidentiality is Confidentiality.restricted or (
        t.confidentiality is not Confidentiality.public and not inside
    ):
        out.append(
            _block(
                "CONFIDENTIALITY_AUDIENCE",
                source.label,
                f"{source.label} is {t.confidentiality.value} ({t.confidentiality.tlp}); its files may not "
                f"go to {audience.who}: keep them out of this repository (git rm --cached, .gitignore)",
            )
        )
    if not inside:
        today = now.astimezone(dt.UTC).date()
        out += [r for r in date_rules(source, today, False) if r.code == "EMBARGO_ACTIVE"]
        anonymised = t.anonymisation is not None and t.anonymisation.value == "anonymised"
        if t.personal_data and not anonymised:
            out.append(
                _block(
                    "PERSONAL_DATA_PUBLIC",
                    source.label,
                    f"{source.label} holds personal data; its files may not be published",
                )
            )
            out += gdpr_rules(source, audience, None)
    return _dedupe(out)


def repository_recipient(config: Config) -> Recipient:
    """A commit is an export to the repository's audience; internal and private repositories stay with the owner."""
    repo = config.repository
    org = None if repo.audience == "public" else repo.owner
    return Recipient(name=f"the {repo.audience} repository of {repo.owner}", org=org, kind="repository")


def _repository_use(t: EffectiveTerms, ids: str, where: str, audience: Audience) -> list[Reason]:
    """Storing inside the owner's repository is no new use; a public repository is every use, everywhere."""
    if audience.internal:
        return []
    out: list[Reason] = []
    if t.commercial_use is False or t.purposes is not None:
        limits = f"limits purposes to {', '.join(t.purposes)}" if t.purposes is not None else "forbids commercial use"
        out.append(
            _block(
                "PURPOSE_NOT_PERMITTED",
                where,
                f"anyone may use what a public repository holds, for any purpose; agreement {ids} {limits}",
            )
        )
    if t.territories is not None:
        out.append(
            _block(
                "TERRITORY_NOT_PERMITTED",
                where,
                f"a public repository is readable from anywhere; agreement {ids} limits territories to "
                f"{', '.join(t.territories)}",
            )
        )
    return out


# --- dates: embargo and retention -----------------------------------------------------------------


def date_rules(source: Source, today: dt.date, model_is_anonymous: bool) -> list[Reason]:
    t = source.terms
    out: list[Reason] = []
    if t.embargo_until is not None and today < t.embargo_until:
        out.append(
            _block(
                "EMBARGO_ACTIVE",
                source.label,
                f"{source.label} is under embargo until {t.embargo_until}; export on or after that date",
            )
        )
    if t.delete_by is not None and t.delete_by < today:
        holds_personal = t.personal_data and not model_is_anonymous
        message = f"{source.label} had to be deleted by {t.delete_by}" + (
            "; a model that may hold its personal data must not be shared" if holds_personal else ""
        )
        out.append(
            Reason(
                code="RETENTION_EXPIRED",
                severity="block" if holds_personal else "warn",
                message=message,
                source=source.label,
            )
        )
    return out


# --- licences ----------------------------------------------------------------------------------------


def licence_rules(source: Source, audience: Audience) -> list[Reason]:
    out: list[Reason] = []
    for entry in source.terms.licences or _fallback_licences(source):
        out += _licence_reasons(entry, source, audience)
    return out


def _fallback_licences(source: Source) -> list[LicenceEntry]:
    t = source.terms
    return [LicenceEntry(source=source.label, licence=t.licence, agreement=bool(t.agreements))] if t.licence else []


def _licence_reasons(entry: LicenceEntry, source: Source, audience: Audience) -> list[Reason]:
    from license_expression import AND, OR, ExpressionError

    from ..licences import spdx

    try:
        tree = spdx().parse(entry.licence)
    except ExpressionError:
        return [_block("LICENCE_UNKNOWN", source.label, f"licence {entry.licence!r} of {entry.source} does not parse")]

    def evaluate(node) -> list[Reason]:  # type: ignore[no-untyped-def]
        if isinstance(node, AND):
            return [r for child in node.args for r in evaluate(child)]
        if isinstance(node, OR):
            # The user may choose the most permissive branch: fewest blocks, then fewest duties.
            options = [evaluate(child) for child in node.args]
            return min(options, key=lambda rs: (sum(r.severity == "block" for r in rs), len(rs)))
        key = getattr(node, "key", None) or str(getattr(node, "license_symbol", node))
        return _one_licence(str(key), entry, source, audience)

    return evaluate(tree)


def _one_licence(licence_id: str, entry: LicenceEntry, source: Source, audience: Audience) -> list[Reason]:
    terms: LicenceTerms | None = lookup(licence_id)
    where = f"{source.label} ({licence_id})"
    if terms is None:
        if entry.agreement:
            return []  # a custom licence whose terms an agreement states: the agreement rules decide
        return [
            _block(
                "LICENCE_UNKNOWN",
                where,
                f"{licence_id} of {entry.source} is not a licence prov knows and no agreement states its "
                "terms; add the agreement to the dataset manifest",
            )
        ]
    out: list[Reason] = []
    if not terms.commercial and audience.recipient.purpose == "commercial":
        out.append(
            _block(
                "LICENCE_NONCOMMERCIAL",
                where,
                f"{licence_id} forbids commercial use; {audience.who} asks for purpose 'commercial'",
            )
        )
    if not terms.derivatives and not audience.inside(source):
        out.append(
            _block(
                "LICENCE_NO_DERIVATIVES",
                where,
                f"{licence_id} forbids sharing adapted material; a model trained on {entry.source} "
                "may not leave the organisation",
            )
        )
    if terms.share_alike:
        out.append(
            _warn(
                "LICENCE_SHARE_ALIKE", where, f"{licence_id}: the recipient must share the model under the same licence"
            )
        )
    if terms.attribution:
        out.append(
            _warn(
                "LICENCE_ATTRIBUTION",
                where,
                f"{licence_id}: credit {entry.source} and keep the licence notice with the model",
            )
        )
    if terms.use_restrictions:
        out.append(
            _warn(
                "LICENCE_USE_RESTRICTIONS",
                where,
                f"{licence_id}: its use restrictions bind the recipient and anyone they share with",
            )
        )
    return out


# --- GDPR: personal data leaving the organisation ------------------------------------------------------


@dataclass(frozen=True)
class _Assessment:
    advantage: float
    method: str


def gdpr_rules(source: Source, audience: Audience, anonymous: _Assessment | None) -> list[Reason]:
    t = source.terms
    if not t.personal_data:
        return []
    severity: Literal["block", "warn"] = "warn" if anonymous else "block"
    cite = (
        (
            f" (the model counts as anonymous: memorisation risk low, membership advantage "
            f"{anonymous.advantage:.3f}, {anonymous.method})"
        )
        if anonymous
        else ""
    )
    out: list[Reason] = []
    missing = [e.source for e in t.legal_bases if not e.legal_basis]
    if missing:
        out.append(
            _reason(
                "PERSONAL_DATA_NO_BASIS",
                severity,
                source.label,
                f"personal data from {', '.join(missing)} has no GDPR Art. 6(1) legal basis; "
                f"record legal_basis in the manifest{cite}",
            )
        )
    anonymised = t.anonymisation is not None and t.anonymisation.value == "anonymised"
    if t.special_categories and not anonymised:
        out.append(
            _reason(
                "SPECIAL_CATEGORY_DATA",
                severity,
                source.label,
                f"{source.label} holds special-category data ({', '.join(t.special_categories)}, "
                f"GDPR Art. 9) that is not anonymised{cite}",
            )
        )
    territory = audience.recipient.territory
    if not t.transfer_outside_eea:
        if audience.recipient.kind == "repository":
            out.append(
                _reason(
                    "TRANSFER_OUTSIDE_EEA",
                    severity,
                    source.label,
                    f"{source.label} may not leave the EEA, and a public repository is readable from anywhere{cite}",
                )
            )
        elif territory is None:
            out.append(
                _reason(
                    "TRANSFER_OUTSIDE_EEA",
                    severity,
                    source.label,
                    f"{source.label} may not leave the EEA; state --territory{cite}",
                )
            )
        elif not _inside_eea(territory):
            out.append(
                _reason(
                    "TRANSFER_OUTSIDE_EEA",
                    severity,
                    source.label,
                    f"{source.label} may not be transferred outside the EEA, and {territory} is outside it{cite}",
                )
            )
    return out


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
    advantage = mi.advantage if mi else None
    limit = config.policy.membership_advantage_max
    if advantage is not None and advantage > limit:
        out.append(
            _block(
                "MEMBERSHIP_LEAKAGE",
                label,
                f"membership-inference advantage {advantage:.3f} exceeds policy.membership_advantage_max "
                f"{limit}: an attacker can tell who was in the training data",
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


def _anonymous(card: ModelCard, config: Config) -> _Assessment | None:
    """EDPB Opinion 28/2024 test: low memorisation risk and membership advantage within the policy limit."""
    mem = card.privacy.memorisation
    mi = card.privacy.membership_inference
    advantage = mi.advantage if mi else None
    if mem.risk == "low" and advantage is not None and advantage <= config.policy.membership_advantage_max:
        return _Assessment(advantage, mem.method)
    return None


# --- helpers -------------------------------------------------------------------------------------------


def _reason(code: str, severity: Literal["block", "warn"], source: str | None, message: str) -> Reason:
    return Reason(code=code, severity=severity, message=message, source=source)


def _block(code: str, source: str | None, message: str) -> Reason:
    return _reason(code, "block", source, message)


def _warn(code: str, source: str | None, message: str) -> Reason:
    return _reason(code, "warn", source, message)


def _same_org(org: str | None, owner: str) -> bool:
    return org is not None and org.strip().casefold() == owner.strip().casefold()


def _listed(recipient: Recipient, recipients: list[str] | None) -> bool:
    if not recipients:
        return False
    names = {r.casefold() for r in recipients}
    return any(x is not None and x.casefold() in names for x in (recipient.org, recipient.name))


def _expand(territory: str) -> set[str]:
    code = territory.strip().upper()
    return set(TERRITORY_GROUPS.get(code, {code}))


def _within(territory: str, permitted: list[str]) -> bool:
    allowed: set[str] = set()
    for p in permitted:
        allowed |= _expand(p)
    return _expand(territory) <= allowed


def _inside_eea(territory: str) -> bool:
    return _expand(territory) <= EEA_COUNTRIES


def _dedupe(reasons: list[Reason]) -> list[Reason]:
    seen: dict[tuple[str, str | None, str], Reason] = {}
    for r in reasons:
        seen.setdefault((r.code, r.source, r.message), r)
    blocks = [r for r in seen.values() if r.severity == "block"]
    return blocks + [r for r in seen.values() if r.severity == "warn"]
