"""One data subject's erasure request (GDPR Art. 17) against the repository's artefacts (no I/O here)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import Strict, new_list


class ErasureFinding(Strict):
    artefact: str
    card_sha256: str
    depth: int = Field(description="1: trained on the dataset; 2: on a model that was; 0: unknown")
    checked: bool = Field(description="The artefact was loaded (safely) and searched for the rows")
    rows_held: list[int] = Field(description="Indices (0-based) of the given rows the artefact holds verbatim")
    where: list[str] = Field(default_factory=new_list, description="Where in the model, or why it could not be checked")
    action: Literal["retrain or delete", "review"]
    why: str


class ErasureReport(Strict):
    dataset: str
    records: str = Field(description="The file the rows came from (its rows are never recorded)")
    row_sha256: list[str] = Field(description="sha256 of each row (canonical JSON of its values), as ledgered")
    findings: list[ErasureFinding]
    ledger_seq: int | None = Field(default=None, description="The ledger entry that records the request")

    @property
    def needs_action(self) -> bool:
        return any(f.action == "retrain or delete" for f in self.findings)
