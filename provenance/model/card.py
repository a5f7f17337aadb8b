"""The model card: the predicate of the signed in-toto Statement."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, model_validator

from ..mediatypes import PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE  # noqa: F401  (PAYLOAD_TYPE re-exported)
from ._base import Strict, new_dict, new_list
from .dataset import DatasetTerms, HubId, Owner, Sha256
from .terms import EffectiveTerms

SCHEMA_VERSION = "1"

AuditBudget = Literal["quick", "standard", "thorough"]  # `--audit`: analysis/attacks.BUDGETS says what each runs
AUDIT_BUDGETS: tuple[str, ...] = get_args(AuditBudget)


class FileDigest(Strict):
    path: str
    sha256: Sha256
    size: int = Field(ge=0)


class Inspection(Strict):
    """How the artefact facts were obtained (never by running code from the artefact)."""

    method: str
    inspected: bool | None = Field(
        default=None,
        description="Whether prov could tell if loading the artefact runs code (false: not inspected, "
        "treated as unsafe to share; absent on cards from before prov 0.2)",
    )
    globals: list[str] = Field(default_factory=new_list, description="Every module.name the pickle refers to")
    untrusted_globals: list[str] = Field(
        default_factory=new_list, description="Globals outside the construction table (analysis/pickles/table.py)"
    )
    violations: list[str] = Field(
        default_factory=new_list,
        description="Table entries used in ways their rule refuses (a crafted dtype, a tree pointing outside "
        "itself, bytes that cannot be read exactly)",
    )
    notes: list[str] = Field(default_factory=new_list)

    @property
    def unsafe_reasons(self) -> list[str]:
        """Why loading this artefact may run code or corrupt memory; empty when prov found it safe."""
        reasons = self.untrusted_globals + self.violations
        legacy_uninspected = self.inspected is None and self.method in ("none", "format by file name")
        if self.inspected is False or legacy_uninspected:
            reasons = [*reasons, "not inspected: prov cannot tell whether loading this format runs code"]
        return reasons


class Artefact(Strict):
    name: str
    sha256: Sha256 = Field(description="File digest, or the OpenSSF model-signing root for a directory")
    size: int = Field(ge=0)
    kind: Literal["file", "directory"]
    format: str
    framework: str | None = None
    framework_version: str | None = None
    estimator: str | None = Field(default=None, description="Fully qualified class of the top-level object")
    hyperparameters: dict[str, Any] = Field(default_factory=new_dict)
    components: list[str] = Field(default_factory=new_list, description="Every estimator class in the object")
    files: list[FileDigest] = Field(default_factory=new_list, description="For directory artefacts")
    inspection: Inspection | None = None


class Signer(Strict):
    keyid: str
    name: str


class Created(Strict):
    time: dt.datetime
    signer: Signer
    prov_version: str


class Code(Strict):
    remote: str | None = Field(default=None, description="Remote URL, credentials stripped")
    commit: str | None = None
    branch: str | None = None
    dirty: bool = False
    diff_sha256: Sha256 | None = None


class DatasetRef(Strict):
    name: str
    version: str
    role: Literal["train", "validation", "test"] = "train"
    manifest_sha256: Sha256
    content_sha256: Sha256 | None = Field(description="Root digest over the dataset's files")
    files: list[Sha256] = Field(
        default_factory=new_list,
        description="sha256 of each of the dataset's files when signed (absent on cards before prov 0.4): the "
        "same data under another name, or in a larger or smaller set, is recognised file by file",
    )
    content_verified: bool = Field(description="Whether the files were hashed and matched at signing time")
    terms: DatasetTerms
    description: str | None = None
    origin: str | None = None
    url: str | None = Field(default=None, description="Where the data came from (the manifest's origin url)")
    hub_id: HubId | None = Field(default=None, description="Its Hugging Face Hub dataset id, when it has one")
    custodian: Owner | None = Field(default=None, description="Who holds the data for its owner")


class ParentRef(Strict):
    name: str
    sha256: Sha256
    card_sha256: Sha256
    relation: Literal["finetune", "adapter", "merge", "quantized"] = "finetune"
    terms: EffectiveTerms
    path: str | None = Field(default=None, description="Repository-relative path, to re-verify it at export")
    hub_id: HubId | None = Field(default=None, description="The parent's Hugging Face Hub model id, from its card")
    oci: str | None = Field(
        default=None,
        pattern=r"^[^\s/@]+/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$",
        description="Where the parent lives in an OCI registry, pinned: HOST/REPOSITORY@sha256:... of its model "
        "manifest (`prov card --parent REF`); `prov lineage` and `prov status` follow it",
    )


class MemorisationFinding(Strict):
    estimator: str = Field(description="Where in the model, e.g. 'steps[1]: KNeighborsClassifier'")
    attribute: str
    holds: str
    risk: Literal["high", "low", "unknown"]
    rows: int | None = None


class StaticMemorisation(Strict):
    risk: Literal["high", "low", "unknown"]
    findings: list[MemorisationFinding] = Field(default_factory=new_list)
    min_leaf_size: int | None = Field(default=None, description="Smallest tree leaf (k-anonymity of the leaves)")
    unknown_estimators: list[str] = Field(default_factory=new_list)


class EmpiricalMemorisation(Strict):
    risk: Literal["high", "low", "unknown"]
    rows_checked: int
    rows_found: int
    values_found: int = 0
    where: list[str] = Field(default_factory=new_list)


class Memorisation(Strict):
    risk: Literal["high", "low", "unknown"] = "unknown"
    method: str = "not assessed"
    findings: list[str] = Field(default_factory=new_list)
    static: StaticMemorisation | None = None
    empirical: EmpiricalMemorisation | None = None
    summary: str | None = Field(default=None, description="The plain sentence shown on the rendered card")


Unit = Annotated[float, Field(ge=0.0, le=1.0)]  # a rate, an AUC or an advantage: NaN and -1 are not one


def _ordered(intervals: Iterable[tuple[float, float]]) -> None:
    for lo, hi in intervals:
        if lo > hi:
            raise ValueError(f"an interval's lower end {lo} is above its upper end {hi}")


class AttackAudit(Strict):
    """One attack stronger than the loss threshold, scored the same way."""

    attack: str = Field(description="Which attack and how it was run, e.g. 'RMIA (offline, 4 reference models)'")
    auc: Unit
    auc_ci: tuple[Unit, Unit]
    advantage: Unit = Field(description="max(TPR - FPR) of the attack")
    advantage_ci: tuple[Unit, Unit]
    tpr_at_fpr: dict[str, Unit | None] = Field(
        description="None where the non-members or the scores' distinct values cannot resolve that FPR "
        "(a note says which)"
    )
    n_members: int = Field(ge=1)
    n_nonmembers: int = Field(ge=1)
    seconds: float = Field(ge=0, description="Wall-clock time the attack took")
    distinct_scores: int = Field(ge=0, description="How many distinct scores the attack gave")
    notes: list[str] = Field(default_factory=new_list)
    roc: list[tuple[Unit, Unit]] = Field(default_factory=new_list, description="(FPR, TPR) points, dense at low FPR")
    tpr_at_fpr_ci: dict[str, tuple[Unit, Unit]] = Field(
        default_factory=new_dict, description="95% bootstrap interval of each TPR the scores resolve"
    )

    @model_validator(mode="after")
    def _intervals(self) -> AttackAudit:
        _ordered([self.auc_ci, self.advantage_ci, *self.tpr_at_fpr_ci.values()])
        return self


@dataclass(frozen=True)
class Leak:
    """What one attack achieved: its name, advantage and the upper end of its 95% interval."""

    attack: str
    advantage: float
    upper: float


class AuditInput(Strict):
    """Which rows an audit ran on, so a reviewer can check them: the signer chooses them, and no verdict
    can tell training rows from others the model never saw."""

    role: Literal["train", "holdout", "population"]
    source: str = Field(description="The file (--train FILE) or the API argument")
    rows: int = Field(ge=0, description="Rows used (after near-copies of training rows were left out)")
    sha256: Sha256 | None = Field(default=None, description="The file's digest, when the rows came from a file")


class MembershipAudit(Strict):
    attack: Literal["loss-threshold"] = "loss-threshold"
    loss: str
    auc: Unit
    auc_ci: tuple[Unit, Unit]
    advantage: Unit = Field(description="max(TPR - FPR) of the attack")
    advantage_ci: tuple[Unit, Unit]
    tpr_at_fpr: dict[str, Unit | None] = Field(description="None where there are too few non-members")
    n_members: int = Field(ge=1)
    n_nonmembers: int = Field(ge=1)
    notes: list[str] = Field(default_factory=new_list)
    roc: list[tuple[Unit, Unit]] = Field(
        default_factory=new_list,
        description="(FPR, TPR) points of the attack's ROC curve, dense at low FPR; empty on cards signed "
        "before prov 0.4",
    )
    tpr_at_fpr_ci: dict[str, tuple[Unit, Unit]] = Field(
        default_factory=new_dict, description="95% bootstrap interval of each TPR (absent on cards before prov 0.5)"
    )
    budget: AuditBudget | None = Field(
        default=None, description="The audit budget (--audit); absent on cards before prov 0.5 (loss threshold only)"
    )
    seconds: float | None = Field(default=None, ge=0, description="Wall-clock time of the loss-threshold attack")
    attacks: list[AttackAudit] = Field(
        default_factory=new_list,
        description="The stronger attacks run beside the loss threshold (RMIA with reference models, a learned "
        "black-box attack); the verdict reads the strongest of all",
    )
    not_run: list[str] = Field(
        default_factory=new_list, description="Attacks the budget called for that could not run, and why"
    )
    inputs: list[AuditInput] = Field(default_factory=new_list, description="The rows the audit ran on (prov 0.5 on)")
    fitted_rows: int | None = Field(
        default=None, ge=0, description="How many rows the model says it was fitted on, where it says so"
    )
    distinct_members: int | None = Field(default=None, ge=0, description="Distinct rows among the members")
    rows_checked: bool = Field(
        default=False,
        description="Whether the audit's rows were checked against the card's registered training data "
        "(prov card does; prov audit, with no card, cannot)",
    )
    uncovered: list[str] = Field(
        default_factory=new_list,
        description="How the members and holdout fail to be the registered training data, split: every "
        "registered row a member or in the holdout, every member a registered row",
    )

    @model_validator(mode="after")
    def _intervals(self) -> MembershipAudit:
        _ordered([self.auc_ci, self.advantage_ci, *self.tpr_at_fpr_ci.values()])
        return self

    def leaks(self) -> list[Leak]:
        """Every attack run, the loss threshold first. An interval that is not a number (no resamples)
        counts as no bound at all: an anonymity claim needs one; and a bound is never below what the
        attack measured (a card is signed data, not a promise that its interval is sane)."""
        out = [Leak(f"loss threshold ({self.loss})", self.advantage, self.advantage_ci[1])]
        out += [Leak(a.attack, a.advantage, a.advantage_ci[1]) for a in self.attacks]
        return [
            Leak(x.attack, x.advantage, max(x.upper, x.advantage) if math.isfinite(x.upper) else math.inf) for x in out
        ]

    def strongest(self) -> Leak:
        """The attack with the largest advantage: what an attacker was shown to achieve (MEMBERSHIP_LEAKAGE)."""
        return max(self.leaks(), key=lambda x: (x.advantage, x.upper))

    def bound(self) -> Leak:
        """The attack whose advantage may be largest (the highest upper confidence bound): the anonymity
        verdict reads this, so a claim of "anonymous" holds against every attack run, sampling error included."""
        return max(self.leaks(), key=lambda x: (x.upper, x.advantage))

    def objections(self) -> list[str]:
        """Why no anonymity claim can rest on this audit, whatever its numbers: an attack the budget called
        for did not run, or an attack found the non-members *more* member-like than the members, far
        beyond chance (4 standard errors of an AUC under no leakage) -- the holdout then holds training
        rows or copies of them, and every attack on it understates the leak."""
        out = [f"not every attack ran: {why}" for why in self.not_run]
        if self.budget is not None and not self.rows_checked:
            out.append("its rows were not checked against the card's registered training data (prov card does)")
        out += [f"its rows are not the registered training data: {why}" for why in self.uncovered]
        if self.fitted_rows is not None and self.fitted_rows != self.n_members:
            out.append(
                f"the members are {self.n_members} rows, but the model was fitted on {self.fitted_rows}: a chosen "
                "part of the training rows can hide a leak the whole would show; audit with all of them"
            )
        if self.distinct_members is not None and self.n_members - self.distinct_members > 0.01 * self.n_members:
            out.append(
                f"only {self.distinct_members} of the {self.n_members} members are distinct rows: repeated rows "
                "weigh some members more than others"
            )
        se = math.sqrt((self.n_members + self.n_nonmembers + 1) / (12 * self.n_members * self.n_nonmembers))
        attacks = [
            (f"loss threshold ({self.loss})", self.auc, self.auc_ci),
            *((a.attack, a.auc, a.auc_ci) for a in self.attacks),
        ]
        for name, auc, ci in attacks:
            if auc < 0.5 - 4 * se:
                out.append(
                    f"{name} finds the non-members more like members than the members are (AUC {auc:.3f}, 95% CI "
                    f"{ci[0]:.3f}-{ci[1]:.3f}): the holdout is not a fair sample of rows the model never saw (it "
                    "may hold training rows or copies of them, or rows chosen to look like them)"
                )
        return out

    def verdict_bound(self) -> float | None:
        """The number the anonymity test compares with the policy limit (``policy.exposure.is_anonymous``):
        the highest upper bound over the attacks, or None (never anonymous) when an objection stands."""
        if self.objections():
            return None
        upper = self.bound().upper
        return upper if math.isfinite(upper) else None


class DifferentialPrivacy(Strict):
    epsilon: float = Field(gt=0)
    delta: float | None = Field(default=None, ge=0, lt=1)
    mechanism: str | None = None


class Privacy(Strict):
    memorisation: Memorisation = Field(default_factory=Memorisation)
    membership_inference: MembershipAudit | None = None
    differential_privacy: DifferentialPrivacy | None = None


class ModelCard(Strict):
    schema_version: Literal["1"] = SCHEMA_VERSION
    artefact: Artefact
    created: Created
    code: Code | None = None
    datasets: list[DatasetRef] = Field(default_factory=new_list)
    parents: list[ParentRef] = Field(default_factory=new_list)
    privacy: Privacy = Field(default_factory=Privacy)
    effective_terms: EffectiveTerms
    licence: str | None = Field(default=None, description="The artefact's own licence (SPDX)")
    licence_link: str | None = Field(default=None, description="Where the licence or agreement text can be read")
    hub_id: HubId | None = Field(default=None, description="The model's Hugging Face Hub id, when published there")
    metrics: dict[str, float | str] = Field(default_factory=new_dict)
    intended_use: str | None = None
    limitations: str | None = None
    previous_card: Sha256 | None = None


class Subject(Strict):
    name: str
    digest: dict[str, str]


class Statement(Strict):
    """in-toto Statement v1 carrying a ModelCard."""

    type_: Literal["https://in-toto.io/Statement/v1"] = Field(default=STATEMENT_TYPE, alias="_type")
    subject: list[Subject] = Field(min_length=1)
    predicateType: Literal["https://prov-cards.dev/model-card/v1"] = PREDICATE_TYPE
    predicate: ModelCard

    model_config = Strict.model_config | {"populate_by_name": True}
