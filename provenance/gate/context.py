"""The decision context: every input a decision reads, gathered once per command.

`prov export`, `prov check` (a commit is an export to the repository's audience), the Python API
and every later command that decides take a ``DecisionContext``: trusted keys and revocations, the
project config, the current dataset manifests (and which of them do not parse), and the time. The
decision itself is ``policy.decide.decide``; the context only feeds it, so there is one rule set.

Where content comes from is a *view*: the working tree for export and verify, git's index for the
commit check. Parents are verified through the same view as their child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..card.files import CardFormatError, SignedCard, read_signed_card
from ..card.verify import verify_and_read
from ..errors import ManifestError
from ..filenames import CARD_SUFFIX
from ..model.config import Config
from ..model.dataset import DatasetManifest, DatasetTerms
from ..model.decision import Decision, Reason, Recipient, Verification
from ..model.withdrawal import Withdrawal
from ..policy.decide import decide, repository_recipient
from ..store import config as config_store
from ..store import datasets as dataset_store
from ..store import withdrawals as withdrawal_store
from ..store.repo import ProvRepo
from ..store.trust import TrustRoot

Content = tuple[str, dict[str, str] | None]


class View(Protocol):
    """Where artefacts and cards are read from (working tree or index); None when absent there."""

    def card_bytes(self, artefact: str) -> bytes | None: ...

    def artefact_content(self, artefact: str) -> Content | None:
        """(sha256, files) for a file or directory artefact; files (path -> sha256) only for directories."""
        ...


@dataclass
class DecisionContext:
    repo: ProvRepo
    config: Config
    trust: TrustRoot
    manifests: dict[str, DatasetManifest]
    manifest_errors: dict[str, ManifestError]
    now: dt.datetime
    # Every current version of each manifest that applies (working tree; for a commit also the staged
    # and HEAD ones): the decision takes the strictest.
    versions: dict[str, list[DatasetManifest]] = field(default_factory=dict)
    # Datasets withdrawn (every version of .prov/withdrawals.jsonl that applies: a withdrawal anywhere counts).
    withdrawn: dict[str, Withdrawal] = field(default_factory=dict)
    # Keys trusted in the working tree but not staged (a commit trusts only staged keys): named in hints.
    unstaged_keys: dict[str, str] = field(default_factory=dict)
    _parents: dict[tuple[int, str, str], Verification] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, manifest in self.manifests.items():
            self.versions.setdefault(name, [manifest])

    @classmethod
    def load(cls, repo: ProvRepo, now: dt.datetime | None = None, trust: TrustRoot | None = None) -> DecisionContext:
        manifests: dict[str, DatasetManifest] = {}
        errors: dict[str, ManifestError] = {}
        for name in dataset_store.names(repo):
            try:
                manifests[name] = dataset_store.load(repo, name)[0]
            except ManifestError as e:
                errors[name] = e
        # Withdrawals and revocations bind wherever they are recorded: the working tree, git's index and
        # HEAD, and the ledger (which keeps them when a file loses them). Each only restricts.
        recorded = withdrawal_store.everywhere(repo)
        return cls(
            repo=repo,
            config=config_store.load(repo),
            trust=(trust or TrustRoot.of_repo(repo)).with_revocations(recorded.revocations),
            manifests=manifests,
            manifest_errors=errors,
            now=now or dt.datetime.now(dt.UTC),
            withdrawn=recorded.withdrawn,
        )

    @property
    def current(self) -> dict[str, list[DatasetTerms] | None]:
        """Current terms per registered dataset (every version); None for a manifest that does not parse
        (fail closed)."""
        out: dict[str, list[DatasetTerms] | None] = {n: [m.terms() for m in v] for n, v in self.versions.items()}
        out.update({n: None for n in self.manifest_errors})
        return out

    @property
    def repository(self) -> Recipient:
        """The audience a commit goes to."""
        return repository_recipient(self.config)

    def withdrawn_by_any_name(
        self, signed: SignedCard | None = None, view: View | None = None
    ) -> dict[str, Withdrawal]:
        """The withdrawals, also under the name of any dataset holding the withdrawn data: a registered one
        with the same files, or one the card or an ancestor's card signed with the withdrawn content
        (registered or not: a manifest deleted after signing hides nothing). Ancestors' cards are read
        through ``view`` unverified: a name found there can only add a restriction."""
        from ..policy.withdrawal import with_aliases

        files = {n: {f.sha256 for m in v for f in m.files if f.sha256} for n, v in self.versions.items()}
        out = with_aliases(self.withdrawn, files)
        by_content = {c: w for w in self.withdrawn.values() for c in [*w.content, *w.files]}
        if not by_content or signed is None:
            return out
        # Every ancestor once (by path), however the lineage branches and merges: no budget to exhaust.
        todo, visited = [signed.card], set()
        while todo:
            card = todo.pop()
            for d in card.datasets:
                for digest in [d.content_sha256, *d.files]:
                    if digest in by_content:
                        out.setdefault(d.name, by_content[digest])
            for p in card.parents:
                if view is None or not p.path or p.path in visited:
                    continue
                visited.add(p.path)
                raw = view.card_bytes(p.path)
                if raw is not None:
                    try:
                        todo.append(read_signed_card(raw).card)
                    except (CardFormatError, ValueError):
                        continue
        return out

    def verify(
        self, raw: bytes, *, artefact_name: str, card_name: str, actual: Content | None
    ) -> tuple[Verification, SignedCard | None]:
        return verify_and_read(
            raw,
            artefact_name=artefact_name,
            card_name=card_name,
            candidates=self.trust.keys,
            revoked=self.trust.revoked,
            actual_sha256=actual[0] if actual else None,
            actual_files=actual[1] if actual else None,
            actual_kind=("directory" if actual[1] is not None else "file") if actual else None,
        )

    def parent_checks(self, signed: SignedCard, view: View) -> list[Verification]:
        """Parents still in the repository, verified through ``view``; a re-signed parent blocks the child."""
        checks: list[Verification] = []
        for p in signed.card.parents:
            if p.path is None:
                continue
            key = (id(view), p.path, p.card_sha256)
            if key not in self._parents:
                self._parents[key] = self._parent(p.path, p.card_sha256, view)
            result = self._parents[key]
            if result is not None:
                checks.append(result)
        return checks

    def _parent(self, path: str, signed_card_sha256: str, view: View) -> Verification | None:
        raw = view.card_bytes(path)
        content = view.artefact_content(path)
        if raw is None and content is None:
            return None  # the parent is not kept here: the terms signed into the child's card apply
        name = path.rsplit("/", 1)[-1]
        if raw is None:
            return Verification(
                verified=False,
                artefact=name,
                card=path + CARD_SUFFIX,
                reasons=[Reason(code="CARD_MISSING", source=path, message=f"{path} has no card")],
            )
        result, parent = self.verify(raw, artefact_name=name, card_name=path + CARD_SUFFIX, actual=content)
        if result.verified and parent is not None and parent.sha256 != signed_card_sha256:
            result = result.model_copy(
                update={
                    "verified": False,
                    "reasons": [
                        Reason(
                            code="PARENT_CHANGED",
                            source=path,
                            message="its card was re-signed after this artefact's card; "
                            "re-sign this card with --overwrite",
                        )
                    ],
                }
            )
        return result

    def decide(
        self,
        signed: SignedCard | None,
        verification: Verification,
        recipient: Recipient,
        view: View,
        artefact_file: Callable[[], Path | None] | None = None,
    ) -> Decision:
        """The one decision: the card (as verified), its parents through ``view``, the current terms.

        When the card does not verify, its own inspection cannot be trusted: ``artefact_file`` (the bytes
        judged, when a single file) is read symbolically so the refusal also names code it would run.
        """
        decision = decide(
            signed.card if signed else None,
            verification,
            current=self.current,
            recipient=recipient,
            config=self.config,
            now=self.now,
            parents=self.parent_checks(signed, view) if signed is not None else (),
            withdrawn=self.withdrawn_by_any_name(signed, view),
        )
        if signed is None and artefact_file is not None and (file := artefact_file()) is not None:
            extra = self.pickle_report(file, verification.artefact)
            if extra:
                decision = decision.model_copy(update={"reasons": [*decision.reasons, *extra]})
        return decision

    def pickle_report(self, file: Path, name: str) -> list[Reason]:
        """Name untrusted code in an artefact that is refused anyway (read symbolically, never run)."""
        from ..analysis.artefact import inspect_artefact
        from ..analysis.pickles.reader import Limits

        loading = self.config.loading
        limits = Limits(
            max_bytes=loading.max_bytes, max_opcodes=loading.max_opcodes, max_expansion=loading.max_expansion
        )
        facts = inspect_artefact(file, limits)
        bad = facts.untrusted_globals + facts.violations
        if not bad:
            return []
        return [
            Reason(
                code="UNSAFE_PICKLE",
                source=name,
                message=f"{name} is not safe to load ({'; '.join(bad[:3])}): whoever loads it may run code; "
                "do not share or commit it",
            )
        ]
