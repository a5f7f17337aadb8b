"""What common data and model licences allow for a trained model, as data.

Each entry answers the questions an export asks: may it be used commercially, may derivatives (a model
trained on the data) be shared, and which duties travel with it (attribution, share-alike, use
restrictions). Ids not listed here are unknown: with no agreement stating terms they fail closed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LicenceTerms:
    commercial: bool = True
    derivatives: bool = True
    attribution: bool = False
    share_alike: bool = False
    use_restrictions: bool = False  # behavioural-use clauses (OpenRAIL) that bind downstream users


_PERMISSIVE_NOTICE = LicenceTerms(attribution=True)
_PUBLIC_DOMAIN = LicenceTerms()


def _cc(variant: str) -> LicenceTerms:
    parts = variant.split("-")
    return LicenceTerms(
        commercial="NC" not in parts,
        derivatives="ND" not in parts,
        attribution=True,
        share_alike="SA" in parts,
    )


TABLE: dict[str, LicenceTerms] = {
    "CC0-1.0": _PUBLIC_DOMAIN,
    "PDDL-1.0": _PUBLIC_DOMAIN,
    "Unlicense": _PUBLIC_DOMAIN,
    "ODC-By-1.0": _PERMISSIVE_NOTICE,
    "ODbL-1.0": LicenceTerms(attribution=True, share_alike=True),
    "CDLA-Permissive-1.0": _PERMISSIVE_NOTICE,
    "CDLA-Permissive-2.0": _PERMISSIVE_NOTICE,
    "CDLA-Sharing-1.0": LicenceTerms(attribution=True, share_alike=True),
    "MIT": _PERMISSIVE_NOTICE,
    "Apache-2.0": _PERMISSIVE_NOTICE,
    "BSD-2-Clause": _PERMISSIVE_NOTICE,
    "BSD-3-Clause": _PERMISSIVE_NOTICE,
    "ISC": _PERMISSIVE_NOTICE,
    # OpenRAIL family (not on the SPDX list, so LicenseRef- ids): use restrictions travel downstream.
    "LicenseRef-OpenRAIL": LicenceTerms(attribution=True, use_restrictions=True),
    "LicenseRef-OpenRAIL-M": LicenceTerms(attribution=True, use_restrictions=True),
    "LicenseRef-OpenRAIL-D": LicenceTerms(attribution=True, use_restrictions=True),
    "LicenseRef-OpenRAIL++": LicenceTerms(attribution=True, use_restrictions=True),
    "LicenseRef-BigScience-OpenRAIL-M": LicenceTerms(attribution=True, use_restrictions=True),
    "LicenseRef-CreativeML-OpenRAIL-M": LicenceTerms(attribution=True, use_restrictions=True),
    "LicenseRef-BigCode-OpenRAIL-M": LicenceTerms(attribution=True, use_restrictions=True),
}
for _version in ("1.0", "2.0", "2.5", "3.0", "4.0"):
    for _variant in ("BY", "BY-SA", "BY-NC", "BY-ND", "BY-NC-SA", "BY-NC-ND"):
        TABLE[f"CC-{_variant}-{_version}"] = _cc(_variant)


def lookup(licence_id: str) -> LicenceTerms | None:
    """Terms for an SPDX id (case-insensitive, as SPDX ids are); None when unknown."""
    if licence_id in TABLE:
        return TABLE[licence_id]
    folded = licence_id.casefold()
    for key, terms in TABLE.items():
        if key.casefold() == folded:
            return terms
    return None
