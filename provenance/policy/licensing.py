"""Rules: what the licences of the sources permit (SPDX expressions; OR picks the most permissive branch)."""

from __future__ import annotations

from ..model.decision import Reason
from ..model.terms import LicenceEntry
from .licence_terms import LicenceTerms, lookup
from .sources import Audience, Source, _block, _warn


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
