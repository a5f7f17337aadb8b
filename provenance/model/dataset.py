"""The dataset manifest users write (``.prov/datasets/NAME.yaml``) and the terms it carries.

Cross-field rules that make a manifest meaningful live here, as validators, so that every way of
creating a manifest (YAML, flags, API) gets the same answer.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ._base import Strict, new_list
from .territories import check_territory

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
# A Hugging Face Hub repository id, ``namespace/name`` (what `datasets:` and `base_model:` in a model card's
# front matter must hold: the Hub links them only when they name a repository).
HUB_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$"
HubId = Annotated[str, Field(pattern=HUB_ID_PATTERN, description="A Hugging Face Hub repository id: namespace/name")]
SHA256_PATTERN = r"^[0-9a-f]{64}$"

Sha256 = Annotated[str, Field(pattern=SHA256_PATTERN, description="lower-case hex SHA-256")]


class Confidentiality(StrEnum):
    """Ordered public < internal < confidential < restricted (TLP CLEAR/GREEN/AMBER/RED)."""

    public = "public"
    internal = "internal"
    confidential = "confidential"
    restricted = "restricted"

    @property
    def rank(self) -> int:
        return _CONF_ORDER.index(self)

    @property
    def tlp(self) -> str:
        return {"public": "TLP:CLEAR", "internal": "TLP:GREEN", "confidential": "TLP:AMBER", "restricted": "TLP:RED"}[
            self.value
        ]


_CONF_ORDER = [
    Confidentiality.public,
    Confidentiality.internal,
    Confidentiality.confidential,
    Confidentiality.restricted,
]


class Derivatives(StrEnum):
    """How far derivatives (trained models) may be shared: none < internal < listed < any."""

    none = "none"
    internal = "internal"
    listed = "listed"
    any = "any"

    @property
    def rank(self) -> int:
        return list(Derivatives).index(self)


class LegalBasis(StrEnum):
    """GDPR Art. 6(1) legal bases."""

    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interests = "vital_interests"
    public_task = "public_task"
    legitimate_interests = "legitimate_interests"


class SpecialCategoryCondition(StrEnum):
    """GDPR Art. 9(2) conditions (a)-(j)."""

    explicit_consent = "explicit_consent"
    employment_social_security = "employment_social_security"
    vital_interests = "vital_interests"
    not_for_profit_body = "not_for_profit_body"
    made_public_by_subject = "made_public_by_subject"
    legal_claims = "legal_claims"
    substantial_public_interest = "substantial_public_interest"
    health_or_social_care = "health_or_social_care"
    public_health = "public_health"
    archiving_research_statistics = "archiving_research_statistics"


class Anonymisation(StrEnum):
    none = "none"
    pseudonymised = "pseudonymised"
    anonymised = "anonymised"

    @property
    def rank(self) -> int:
        return list(Anonymisation).index(self)


# GDPR Art. 9(1) special categories of personal data.
SPECIAL_CATEGORIES = frozenset(
    {
        "racial_or_ethnic_origin",
        "political_opinions",
        "religious_or_philosophical_beliefs",
        "trade_union_membership",
        "genetic",
        "biometric",
        "health",
        "sex_life_or_sexual_orientation",
    }
)


class Origin(Strict):
    source: str = Field(min_length=1, description="Where the data came from (system, publisher)")
    url: str | None = None
    hub_id: HubId | None = Field(
        default=None, description="Its Hugging Face Hub dataset id, when published there (else read from a Hub url)"
    )
    collected: dt.date | None = None
    method: str | None = None


class Owner(Strict):
    name: str = Field(min_length=1, description="The data controller / owner")
    contact: str | None = None


class Permits(Strict):
    """What an agreement permits. Every field that loosens sharing must be stated explicitly."""

    derivatives: Derivatives = Field(description="How far derivatives (models) may be shared")
    recipients: list[str] = Field(default_factory=new_list, description="Organisations, for 'listed'")
    commercial_use: bool = Field(description="Whether commercial use is permitted")
    purposes: list[str] = Field(default_factory=new_list, description="Permitted purposes; empty = any")
    territories: list[str] = Field(
        default_factory=new_list, description="ISO 3166 alpha-2 codes or EU/EEA; empty = anywhere"
    )

    @field_validator("territories")
    @classmethod
    def _territories(cls, value: list[str]) -> list[str]:
        return [check_territory(v) for v in value]

    @model_validator(mode="after")
    def _listed_needs_recipients(self) -> Permits:
        if self.derivatives is Derivatives.listed and not self.recipients:
            raise ValueError("derivatives: listed needs at least one entry in recipients")
        return self


class Agreement(Strict):
    id: str = Field(min_length=1)
    kind: Literal["nda", "data-use-agreement", "licence"]
    counterparty: str = Field(min_length=1)
    signed: dt.date | None = None
    expires: dt.date | None = None
    permits: Permits

    @model_validator(mode="after")
    def _dates(self) -> Agreement:
        if self.signed and self.expires and self.expires < self.signed:
            raise ValueError(f"agreement {self.id}: expires ({self.expires}) is before signed ({self.signed})")
        return self


class PersonalData(Strict):
    contains: bool = Field(description="Whether the data holds personal data (GDPR Art. 4(1))")
    categories: list[str] = Field(default_factory=new_list)
    legal_basis: LegalBasis | None = None
    special_category_condition: SpecialCategoryCondition | None = None
    anonymisation: Anonymisation = Anonymisation.none
    transfer_outside_eea: bool = False

    @property
    def special_categories(self) -> list[str]:
        return [c for c in self.categories if c in SPECIAL_CATEGORIES]

    @model_validator(mode="after")
    def _gdpr(self) -> PersonalData:
        if not self.contains:
            if self.categories:
                raise ValueError("categories are listed but contains is false; set contains: true")
            return self
        if self.legal_basis is None:
            raise ValueError(
                "personal data needs legal_basis (GDPR Art. 6(1)): one of " + ", ".join(b.value for b in LegalBasis)
            )
        if self.special_categories and self.special_category_condition is None:
            raise ValueError(
                f"special categories {self.special_categories} need special_category_condition "
                "(GDPR Art. 9(2)), e.g. explicit_consent"
            )
        return self


class Retention(Strict):
    delete_by: dt.date | None = None


def _normal(path: str) -> str:
    return "/".join(part for part in path.split("/") if part not in ("", "."))


class DataFile(Strict):
    path: str = Field(min_length=1, description="Repository-relative POSIX path")
    sha256: Sha256 | None = None
    size: int | None = Field(default=None, ge=0)

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        if value.startswith("/") or "\\" in value or ".." in value.split("/"):
            raise ValueError(f"{value!r} must be a relative POSIX path inside the repository")
        if any(part in ("", ".") for part in value.split("/")):  # ./x, a//b, a/./b, x/ never match git's names
            raise ValueError(f"{value!r}: write the path as git lists it, e.g. {_normal(value)!r}")
        return value


class DatasetManifest(Strict):
    """One dataset: origin, owner, licence, confidentiality, agreements, GDPR facts, files."""

    name: str = Field(pattern=NAME_PATTERN)
    version: str = Field(min_length=1)
    description: str | None = None
    origin: Origin
    owner: Owner
    custodian: Owner | None = Field(
        default=None, description="Who holds and looks after the data for the owner (a data office, a processor)"
    )
    licence: str = Field(description="SPDX licence expression; LicenseRef-<name> for custom agreements")
    confidentiality: Confidentiality
    agreements: list[Agreement] = Field(default_factory=new_list)
    personal_data: PersonalData
    retention: Retention = Field(default_factory=Retention)
    embargo_until: dt.date | None = None
    files: list[DataFile] = Field(default_factory=new_list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        # YAML reads `version: 3` as an int; a version is a label, so accept and keep it as text.
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @field_validator("licence")
    @classmethod
    def _licence(cls, value: str) -> str:
        from ..licences import normalise

        return normalise(value)

    @model_validator(mode="after")
    def _unique(self) -> DatasetManifest:
        ids = [a.id for a in self.agreements]
        if len(ids) != len(set(ids)):
            raise ValueError("agreement ids must be unique")
        paths = [f.path for f in self.files]
        if len(paths) != len(set(paths)):
            raise ValueError("file paths must be unique")
        return self

    def terms(self) -> DatasetTerms:
        return DatasetTerms(
            owner=self.owner,
            licence=self.licence,
            confidentiality=self.confidentiality,
            agreements=self.agreements,
            personal_data=self.personal_data,
            delete_by=self.retention.delete_by,
            embargo_until=self.embargo_until,
        )


class DatasetTerms(Strict):
    """The part of a manifest that governs sharing; snapshotted into every card."""

    owner: Owner
    licence: str
    confidentiality: Confidentiality
    agreements: list[Agreement] = Field(default_factory=new_list)
    personal_data: PersonalData
    delete_by: dt.date | None = None
    embargo_until: dt.date | None = None
