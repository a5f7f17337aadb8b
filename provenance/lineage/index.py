"""The card index: what every card in the repository says about lineage, kept in ``.prov/cache/``.

Questions that run over every card -- which artefacts derive from this dataset, which cards did this key
sign -- would otherwise read and parse thousands of cards. The index keeps one summary per card,
keyed by the card's sha256 (a card's content decides its summary, wherever it lies), in the digest
cache's sealed facts table: a cache file that came from elsewhere matches nothing here. Card files are
found by walking the repository (ignored directories and nested repositories included); a card whose
bytes are unchanged (by the digest cache's stat key) is not read again, a changed one is read and
summarised once.

The index is a reading aid, never a verdict: decisions (export, commit, status) verify each card they
act on. A card that does not parse is kept as unreadable, so a query says "unknown", never "not affected".
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..digest import DigestCache
from ..filenames import CARD_SUFFIX, RECORD_NAME
from ..quickhash import sha256
from ..store.repo import ProvRepo

INDEX_KIND = "card-index-v5"


@dataclass(frozen=True)
class ParentLink:
    name: str
    path: str | None
    card_sha256: str
    relation: str
    sources: tuple[str, ...] = ()  # the datasets the parent's signed terms name


@dataclass(frozen=True)
class CardEntry:
    card: str  # repository-relative path of the card file
    card_sha256: str
    readable: bool
    problem: str | None = None
    keyids: tuple[str, ...] = ()
    name: str = ""
    kind: str = ""
    artefact_sha256: str = ""
    signer: str = ""
    signed_at: str = ""
    datasets: tuple[str, ...] = ()  # named directly
    contents: tuple[str, ...] = ()  # their signed content digests: each root and each file's sha256
    sources: tuple[str, ...] = ()  # every dataset at any depth, as signed
    parents: tuple[ParentLink, ...] = ()
    risk: str = "unknown"
    advantage: float | None = None  # the anonymity verdict's number: MembershipAudit.verdict_bound()
    estimator: str | None = None
    personal_data: bool = False
    confidentiality: str | None = None
    previous_card: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def artefact(self) -> str:
        return self.card[: -len(CARD_SUFFIX)]


def summarise(card: str, raw: bytes, digest: str | None = None) -> CardEntry:
    """One card's summary from its bytes (the full card parse; never trusted as a verdict)."""
    from ..card.files import CardFormatError, read_signed_card
    from ..policy.withdrawal import derives_from

    digest = digest or sha256(raw).hexdigest()
    try:
        signed = read_signed_card(raw)
    except (CardFormatError, ValueError) as e:
        return CardEntry(card, digest, False, problem=str(e) or type(e).__name__)
    c = signed.card
    mi = c.privacy.membership_inference
    return CardEntry(
        card=card,
        card_sha256=digest,
        readable=True,
        keyids=tuple(k for k, _ in signed.envelope.signatures),
        name=c.artefact.name,
        kind=c.artefact.kind,
        artefact_sha256=c.artefact.sha256,
        signer=c.created.signer.name,
        signed_at=c.created.time.isoformat(),
        datasets=tuple(d.name for d in c.datasets),
        contents=tuple(dict.fromkeys(x for d in c.datasets for x in [d.content_sha256, *d.files] if x)),
        sources=tuple(sorted(derives_from(c))),
        parents=tuple(ParentLink(p.name, p.path, p.card_sha256, p.relation, tuple(p.terms.sources)) for p in c.parents),
        risk=c.privacy.memorisation.risk,
        advantage=mi.verdict_bound() if mi else None,
        estimator=c.artefact.estimator,
        personal_data=c.effective_terms.personal_data,
        confidentiality=c.effective_terms.confidentiality.value,
        previous_card=c.previous_card,
    )


def _to_json(e: CardEntry) -> str:
    # Field by field (dataclasses.asdict deep-copies: a third of a cold index's time). The card's path is
    # left out: the summary is the content's; where the card lies is the caller's.
    data = {f: getattr(e, f) for f in _FIELDS}
    data["parents"] = [[p.name, p.path, p.card_sha256, p.relation, list(p.sources)] for p in e.parents]
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


_FIELDS = [f.name for f in fields(CardEntry) if f.name not in ("card", "parents")]


def _from_json(card: str, text: str) -> CardEntry | None:
    try:
        data = json.loads(text)
        data["parents"] = tuple(ParentLink(n, path, c, r, tuple(src)) for n, path, c, r, src in data["parents"])
        for k in ("keyids", "datasets", "contents", "sources"):
            data[k] = tuple(data[k])
        return CardEntry(card=card, **data)
    except (ValueError, TypeError, KeyError):
        return None  # an entry from another version of prov: summarise again


@dataclass
class IndexStats:
    cards: int = 0
    read: int = 0  # card files read (new or changed bytes)
    parsed: int = 0  # summaries built (digests not in the index)


class CardIndex:
    """Every card in a repository, summarised; ``entries()`` refreshes incrementally."""

    def __init__(self, repo: ProvRepo, cache: DigestCache) -> None:
        self.repo, self.cache = repo, cache
        self.stats = IndexStats()

    @classmethod
    def open(cls, repo: ProvRepo) -> CardIndex:
        return cls(repo, DigestCache.shared(repo.cache_dir))

    def card_files(self) -> list[str]:
        """Every card file under the repository, by walking it: git's listing would leave out cards in
        ignored directories and in nested repositories (a cloned model hub repository), and a card left
        out is an artefact a query would wrongly call unaffected."""
        return sorted(_walk(self.repo.root))

    def entries(self) -> list[CardEntry]:
        self._root = self.repo.root.resolve()  # once: each card's cache key is this joined with its path
        # Two queries for the whole index, not two per card.
        self._digests = self.cache.digests_under(self._root)
        self._facts = self.cache.facts_of_kind(INDEX_KIND)
        out: list[CardEntry] = []
        for rel in self.card_files():
            entry = self._entry(rel)
            if entry is not None:
                out.append(entry)
        self.cache.flush()  # what the refresh learnt, in one transaction
        self.stats.cards = len(out)
        return out

    def _entry(self, rel: str) -> CardEntry | None:
        import stat as stat_

        from ..regularfile import read_regular

        path = self._root / rel
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            return None  # in git's index but deleted from the working tree
        if not stat_.S_ISREG(st.st_mode):
            return CardEntry(rel, "0" * 64, False, problem="not a regular file")
        cached = self._digests.get(str(path))
        digest = cached[1] if cached is not None and cached[0] == self.cache._key(st) else None
        raw = None
        if digest is None:
            try:
                raw = read_regular(path, limit=1 << 26)
            except OSError as e:
                return CardEntry(rel, "0" * 64, False, problem=str(e))
            self.stats.read += 1
            digest = sha256(raw).hexdigest()
            if self.cache._key(os.stat(path)) == self.cache._key(st):
                self.cache.put(path, st, digest)
        sealed = self.cache.sealed(INDEX_KIND, digest)
        known = self._facts.get(sealed) if sealed is not None else None
        if known is not None and (entry := _from_json(rel, known)) is not None:
            return entry
        if raw is None:
            raw = read_regular(path, limit=1 << 26)
            self.stats.read += 1
            digest = sha256(raw).hexdigest()  # what was read, should it have changed since it was stat'ed
        entry = summarise(rel, raw, digest)
        self.stats.parsed += 1
        self.cache._remember(INDEX_KIND, entry.card_sha256, _to_json(entry))
        return entry

    def close(self) -> None:
        self.cache.close()


def _walk(root: Path) -> Iterator[str]:
    """Card files below ``root``: every directory but .git (git's own store) and .prov/cache (prov's)."""
    top = str(root)
    cache = os.path.join(top, ".prov")
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if d != ".git" and not (dirpath == cache and d == "cache")]
        rel_dir = os.path.relpath(dirpath, top)
        for f in filenames:
            if f.endswith(CARD_SUFFIX) and f != RECORD_NAME and len(f) > len(CARD_SUFFIX):
                yield f if rel_dir == "." else f"{Path(rel_dir).as_posix()}/{f}"
