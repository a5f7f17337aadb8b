"""What one signed card is made from: a frozen request, checked whole before anything is read or written.

The rules that tie options together live here, so the CLI and the Python API refuse the same
requests with the same words: a card names at least one dataset or parent; a holdout set needs a
training set (the audit compares members with non-members); a DP delta needs an epsilon; roles and
relations are from a fixed list; a dataset is named once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from ..model.card import DifferentialPrivacy

ROLES = ("train", "validation", "test")
RELATIONS = ("finetune", "adapter", "merge", "quantized")


def parse_dataset_spec(spec: str) -> tuple[str, str]:
    """``NAME`` or ``NAME:ROLE`` -> (name, role)."""
    name, _, role = spec.partition(":")
    role = role or "train"
    if not name or role not in ROLES:
        raise UsageError(f"--dataset {spec}: role must be one of {', '.join(ROLES)} (NAME or NAME:ROLE)")
    return name, role


def check_licence_link(link: str) -> None:
    """A licence link is what the Hub and BOM readers follow: an http(s) URL, or a file name beside the
    model (relative, inside its directory). ``javascript:``, ``/etc/passwd`` or ``../x`` are refused."""
    from urllib.parse import urlsplit

    parts = urlsplit(link)
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in link):
        return
    if (
        parts.scheme
        or not link.strip()
        or link.startswith("/")
        or "\\" in link
        or ".." in link.split("/")
        or any(c.isspace() or not c.isprintable() for c in link)
    ):
        raise UsageError(
            f"--licence-link {link!r}: give an http(s) URL, or the name of a file beside the model (e.g. LICENSE.txt)"
        )


def check_audit_data(train: object, holdout: object, population: object = None, budget: str = "standard") -> None:
    """A holdout set needs a training set: the audit compares members with non-members; a population set
    (the reference models' data) only serves that audit; the budget is one of the named ones."""
    from ..model.card import AUDIT_BUDGETS

    if holdout is not None and train is None:
        raise UsageError("--holdout needs --train: the audit compares the training rows with the holdout")
    if population is not None and holdout is None:
        raise UsageError("--population needs --train and --holdout: it trains the audit's reference models")
    if budget not in AUDIT_BUDGETS:
        raise UsageError(f"--audit {budget}: use one of {', '.join(AUDIT_BUDGETS)}")


@dataclass(frozen=True)
class CardRequest:
    artefact: Path
    datasets: tuple[str, ...] = ()  # NAME or NAME:ROLE
    parents: tuple[Path, ...] = ()
    relation: str = "finetune"
    metrics: Mapping[str, float | str] = field(default_factory=dict)
    intended_use: str | None = None
    limitations: str | None = None
    licence: str | None = None
    licence_link: str | None = None
    key_name: str | None = None
    overwrite: bool = False
    verify_data: bool = True
    train: Any = None  # analysis.privacy.Data: features and target
    holdout: Any = None
    population: Any = None  # rows for the RMIA reference models; the holdout when absent
    audit: str = "standard"  # the audit budget (--audit quick|standard|thorough)
    trust_pickle: bool = False
    dp_epsilon: float | None = None
    dp_delta: float | None = None
    hub_id: str | None = None  # the model's Hugging Face Hub id (--hub-id ORG/NAME)
    ssh: bool | None = None  # also an SSH signature of the card (None: as the artefact had before)
    ssh_hash: str = "sha512"

    def __post_init__(self) -> None:
        object.__setattr__(self, "artefact", Path(self.artefact))
        object.__setattr__(self, "datasets", tuple(self.datasets))
        object.__setattr__(self, "parents", tuple(Path(p) for p in self.parents))
        if not self.datasets and not self.parents:
            raise UsageError("name what the artefact was made from: --dataset NAME (or --parent ARTEFACT)")
        if self.relation not in RELATIONS:
            raise UsageError(f"--relation {self.relation!r}: use one of {', '.join(RELATIONS)}")
        check_audit_data(self.train, self.holdout, self.population, self.audit)
        if self.dp_delta is not None and self.dp_epsilon is None:
            raise UsageError("--dp-delta needs --dp-epsilon")
        seen: set[str] = set()
        for spec in self.datasets:
            name, _ = parse_dataset_spec(spec)
            if name in seen:
                raise UsageError(f"--dataset {name} is given twice")
            seen.add(name)
        for key in self.metrics:
            if not isinstance(key, str) or not key.strip() or not key.isprintable() or len(key) > 128:
                raise UsageError(f"--metric {key!r}: a metric's name is one printable line of at most 128 characters")
        for key, value in self.metrics.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise UsageError(
                    f"--metric {key}={value}: not a finite number; a signed card holds strict JSON (RFC 8259)"
                )
        if self.licence_link is not None:
            check_licence_link(self.licence_link)
        if self.hub_id is not None:
            import re

            from ..model.dataset import HUB_ID_PATTERN

            if not re.fullmatch(HUB_ID_PATTERN, self.hub_id):
                raise UsageError(f"--hub-id {self.hub_id!r}: a Hugging Face Hub id is NAMESPACE/NAME, e.g. acme/triage")
        if self.ssh_hash not in ("sha256", "sha512"):
            raise UsageError(f"--ssh-hash {self.ssh_hash!r}: SSH signatures use sha256 or sha512")
        self.dp  # noqa: B018  (validated now, not half-way through signing)

    @property
    def dataset_specs(self) -> list[tuple[str, str]]:
        return [parse_dataset_spec(s) for s in self.datasets]

    @property
    def dp(self) -> DifferentialPrivacy | None:
        if self.dp_epsilon is None:
            return None
        from ..model.card import DifferentialPrivacy

        for flag, value in (("--dp-epsilon", self.dp_epsilon), ("--dp-delta", self.dp_delta)):
            if value is not None and not math.isfinite(value):
                raise UsageError(f"{flag} {value}: not a finite number")
        from pydantic import ValidationError

        try:
            return DifferentialPrivacy(epsilon=self.dp_epsilon, delta=self.dp_delta)
        except ValidationError as e:
            first = e.errors(include_url=False)[0]
            field = ".".join(str(p) for p in first["loc"])
            flag = {"epsilon": "--dp-epsilon", "delta": "--dp-delta"}.get(field, "--dp-epsilon/--dp-delta")
            raise UsageError(f"{flag}: {first['msg'].removeprefix('Value error, ')}") from None
