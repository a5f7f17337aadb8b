"""The commit check: every path the next commit adds or changes, judged as git will commit it.

A commit is an export to the repository's audience, so an artefact is judged by the same
``DecisionContext.decide`` as ``prov export``, reading the staged blobs (``IndexView``) instead of the
working tree. Which paths matter is ``provenance.selection``, shared with the hook's fast path. Data is
recognised by path and by content: a byte-identical copy of a registered data file under a new name is
that data.
"""

from __future__ import annotations

import base64
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import selection as sel
from .. import strictjson
from ..card.paths import card_name_problem
from ..crypto import dsse
from ..digest import DigestCache, Hasher, content, root_digest
from ..errors import ManifestError, UsageError
from ..filenames import CARD_SUFFIX, IGNORED_TOP_LEVEL
from ..model.dataset import DatasetManifest
from ..model.decision import Reason
from ..policy.decide import dataset_file_rules
from ..policy.terms import dataset_terms, loosened
from ..regularfile import read_regular
from ..store import gitindex
from ..store.gitindex import Blobs, Entry
from ..store.repo import ProvRepo
from ..store.yamlio import parse_model, parse_yaml_text
from . import passes
from .committed import commit_context
from .context import Content, DecisionContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..card.files import SignedCard


@dataclass
class FileCheck:
    path: str
    kind: str  # artefact | dataset-file | manifest | prov-file
    reasons: list[Reason] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(r.severity == "block" for r in self.reasons)


class IndexView:
    """Artefacts and cards as the next commit holds them: index entries, content by blob id."""

    def __init__(self, entries: dict[str, Entry], blobs: Blobs) -> None:
        self.entries = entries
        self.blobs = blobs
        self._content: dict[str, Content | None] = {}  # each artefact digested once per check

    def members(self, artefact: str) -> list[Entry]:
        prefix = artefact + "/"
        return [e for p, e in self.entries.items() if p.startswith(prefix)]

    def card_bytes(self, artefact: str) -> bytes | None:
        e = self.entries.get(sel.card_of(artefact))
        return self.blobs.read(e.blob) if e is not None and e.regular else None

    def companion_bytes(self, name: str) -> bytes | None:
        """A companion file as the commit holds it (b"" when it is not a regular file: that fails its check)."""
        e = self.entries.get(name)
        if e is None:
            return None
        return self.blobs.read(e.blob) if e.regular else b""

    def artefact_content(self, artefact: str) -> Content | None:
        if artefact not in self._content:
            self._content[artefact] = self._artefact_content(artefact)
        return self._content[artefact]

    def _artefact_content(self, artefact: str) -> Content | None:
        e = self.entries.get(artefact)
        if e is not None:
            return (self.blobs.sha256(e.blob), None) if e.regular else None
        members = self.members(artefact)
        if not members or any(not m.regular for m in members):
            return None
        n = len(artefact) + 1
        signed = [m for m in members if m.path[n:].split("/", 1)[0] not in IGNORED_TOP_LEVEL]
        digests = self.blobs.sha256_many(m.blob for m in signed)
        files = {m.path[n:]: digests[m.blob] for m in signed}
        return root_digest(list(files.items())), files


class WorkTreeView:
    """Artefacts and cards in the working tree (export, verify, and paths named but not staged)."""

    def __init__(self, root: Path, hasher: Hasher) -> None:
        self.root = root
        self.hasher = hasher
        self._content: dict[str, Content | None] = {}  # each artefact digested once per command

    def card_bytes(self, artefact: str) -> bytes | None:
        card = self.root / sel.card_of(artefact)
        return read_regular(card) if card.is_file() else None

    def companion_bytes(self, name: str) -> bytes | None:
        path = self.root / name
        if not path.exists() and not path.is_symlink():
            return None
        try:
            return read_regular(path)
        except (OSError, UsageError):
            return b""

    def artefact_content(self, artefact: str) -> Content | None:
        if artefact not in self._content:
            self._content[artefact] = self._artefact_content(artefact)
        return self._content[artefact]

    def _artefact_content(self, artefact: str) -> Content | None:
        path = self.root / artefact
        if not path.exists():
            return None
        try:
            tree = self.hasher.tree(path)
        except UsageError:
            return None  # a symlink inside a directory artefact: nothing signed can match it
        return content(tree)


def run_check(ctx: DecisionContext, paths: list[str], *, all_files: bool = False) -> list[FileCheck]:
    root = ctx.repo.root
    entries = gitindex.index_entries(root)
    if all_files:
        names = sorted(entries)
    elif paths:
        names = _expand(root, [_relative(root, p) for p in paths], entries)
    else:
        names = gitindex.staged_names(root)
    if not all_files:
        # What the commit deletes changes what it holds: a file gone from a carded directory, a card gone
        # from its artefact. pre-commit never passes deleted paths, so they are read from the index here.
        names += [n for n in gitindex.deleted_names(root) if n not in names]
    cache = DigestCache.shared(ctx.repo.cache_dir)
    try:
        blobs = Blobs(root, cache)
        ctx = commit_context(ctx, entries, blobs)
        with tempfile.TemporaryDirectory(prefix="prov-check-") as tmp:
            job = _Job(ctx, entries, blobs, Hasher(cache, show_progress=False), Path(tmp), cache)
            return job.run(names)
    finally:
        cache.close()


class _Job:
    def __init__(
        self,
        ctx: DecisionContext,
        entries: dict[str, Entry],
        blobs: Blobs,
        hasher: Hasher,
        tmp: Path,
        cache: DigestCache,
    ) -> None:
        self.ctx, self.entries, self.blobs, self.tmp, self.cache = ctx, entries, blobs, tmp, cache
        self.root = ctx.repo.root
        self.index = IndexView(entries, blobs)
        self.worktree = WorkTreeView(self.root, hasher)
        self.hasher = hasher
        self.dataset_paths: dict[str, list[str]] = {}
        self.registered: dict[str, list[tuple[str, str]]] = {}  # sha256 -> [(dataset, path)]
        files = [(m.name, f) for versions in ctx.versions.values() for m in versions for f in m.files]
        for name, f in files:
            if name not in self.dataset_paths.setdefault(f.path, []):
                self.dataset_paths[f.path].append(name)
            if f.sha256 and (name, f.path) not in self.registered.get(f.sha256, []):
                self.registered.setdefault(f.sha256, []).append((name, f.path))
        self.sizes = {f.size for _, f in files if f.sha256}
        self.unsized = any(f.size is None for _, f in files if f.sha256)
        head = subprocess.run(
            ["git", "--no-replace-objects", "rev-parse", "-q", "--verify", "HEAD"],
            cwd=self.root,
            capture_output=True,
            check=False,
        )
        self.head = head.stdout.decode().strip()
        self.card_dirs = {sel.artefact_of_card(p) for p in entries if p.endswith(CARD_SUFFIX)}
        self.parents: dict[str, list[str]] = {}

    def run(self, names: list[str]) -> list[FileCheck]:
        ctx = self.ctx
        ancestors = sorted({d for name in names for d in sel.ancestors(name)})
        in_head = self.blobs.present([f"HEAD:{sel.card_of(d)}" for d in ancestors])
        for d in ancestors:
            # a card in the working tree, or in HEAD (deleting it in this commit does not uncard the directory)
            if (self.root / sel.card_of(d)).is_file() or f"HEAD:{sel.card_of(d)}" in in_head:
                self.card_dirs.add(d)
        results = [
            FileCheck(
                _rel_or(ctx.repo, e.path), "manifest", [Reason(code="MANIFEST_INVALID", message=e.message, source=n)]
            )
            for n, e in ctx.manifest_errors.items()
        ]
        patterns = ctx.config.artefacts.patterns
        units: dict[str, None] = {}
        data: list[str] = []
        manifests: list[str] = []
        prov_files: list[str] = []
        by_content: list[str] = []
        for name in names:
            kind = sel.classify(name, patterns, self.dataset_paths, self.card_dirs)
            if kind == sel.ARTEFACT:
                units[name] = None
            elif kind == sel.CARD:
                units[sel.artefact_of_card(name)] = None
            elif kind == sel.COMPANION:
                units.update({b: None for b in sel.companion_bases(name) if self._present(sel.card_of(b))})
            elif kind == sel.IN_DIRECTORY:
                units.update({d: None for d in sel.ancestors(name) if d in self.card_dirs})
            elif kind == sel.DATASET_FILE:
                data.append(name)
                units.update({d: None for d in sel.ancestors(name) if d in self.card_dirs})
            elif kind == sel.MANIFEST:
                manifests.append(name)
            elif kind == sel.PROV_FILE:
                prov_files.append(name)
            elif kind == sel.PROV_UNKNOWN and (name in self.entries or (self.root / name).is_file()):
                results.append(_unknown_prov_file(name))
            if kind != sel.DATASET_FILE:
                by_content.append(name)  # registered data under any name, .prov/ files included
        for unit in units:
            result = self._artefact(unit)
            if result is not None:
                results.append(result)
        results += [self._dataset_file(p, self.dataset_paths[p], None) for p in data if self._present(p)]
        results += self._copies(by_content)
        results += self._withdrawn_copies(by_content)
        results += [self._manifest(p) for p in manifests if self._present(p)]
        results += [r for p in prov_files if self._present(p) and (r := self._prov_file(p)) is not None]
        results += self._governance_kept()
        return results

    # --- artefacts -----------------------------------------------------------------------------------

    def _present(self, path: str) -> bool:
        return path in self.entries or (self.root / path).is_file()

    def _artefact(self, path: str) -> FileCheck | None:
        entry = self.entries.get(path)
        members = self.index.members(path)
        staged = entry is not None or bool(members)
        if not staged:
            if (self.root / path).exists():  # named explicitly but not staged: judge the working tree
                return self._judge(path, self.worktree, self.worktree.card_bytes(path), None)
            return None  # deleted in this commit
        reasons: list[Reason] = []
        if entry is not None and not entry.regular:
            return FileCheck(path, "artefact", [_not_a_file(path, entry)])
        n = len(path) + 1
        for m in members:
            if not m.regular:
                reasons.append(_not_a_file(m.path, m))
            elif m.path[n:].split("/", 1)[0] in IGNORED_TOP_LEVEL:
                reasons.append(_unsigned(path, m.path))
        card = self.entries.get(sel.card_of(path))
        raw = self.blobs.read(card.blob) if card is not None and card.regular else None
        result = self._judge(path, self.index, raw, entry)
        result.reasons = reasons + result.reasons
        if result.ok:
            self._remember(path)
        return result

    def _judge(self, path: str, view: IndexView | WorkTreeView, raw: bytes | None, entry: Entry | None) -> FileCheck:
        ctx = self.ctx
        card_rel = sel.card_of(path)
        if raw is None:
            if problem := card_name_problem(path.rsplit("/", 1)[-1]):
                reason = Reason(code="CARD_MISSING", source=path, message=problem)
            elif (self.root / card_rel).is_file():
                reason = Reason(
                    code="CARD_NOT_STAGED", source=card_rel, message=f"{card_rel} is not staged: `git add {card_rel}`"
                )
            else:
                reason = Reason(
                    code="CARD_MISSING",
                    source=path,
                    message=f"{path} has no signed card: run `prov card {path} --dataset NAME`, "
                    f"then `git add {card_rel}`",
                )
            return FileCheck(path, "artefact", [reason, *self._pickle_report(path, entry)])
        verification, signed = ctx.verify(
            raw, artefact_name=path.rsplit("/", 1)[-1], card_name=card_rel, actual=view.artefact_content(path)
        )
        decision = ctx.decide(signed, verification, ctx.repository, view, lambda: self._file(path, entry))
        reasons = [self._hint(r) for r in decision.reasons]
        if signed is not None and verification.verified:
            said = {r.code for r in reasons}
            reasons += [r for r in self._companions(path, view, signed) if r.code not in said]
        self.parents[path] = [p.path for p in signed.card.parents if p.path] if signed else []
        return FileCheck(path, "artefact", reasons)

    def _companions(self, path: str, view: IndexView | WorkTreeView, signed: SignedCard) -> list[Reason]:
        """The card's signatures for other tools, as the commit holds them: each must say what the card
        says (the same check as `prov verify`, ``card.companions``), or the commit publishes a signature
        that model_signing or ssh-keygen accepts for something the card does not say."""
        from ..card import companions

        found = companions.check_beside_card(
            view.companion_bytes,
            path,  # repository-relative: its companions are PATH.sig, PATH.card.json, PATH.card.sig
            actual=view.artefact_content(path),
            trust=self.ctx.trust,
            payload=signed.envelope.payload,
            signer_keyid=signed.card.created.signer.keyid,
        )
        return [Reason(**f.as_dict()) for f in found]

    def _hint(self, reason: Reason) -> Reason:
        if reason.code != "KEY_UNTRUSTED" or not self.ctx.unstaged_keys:
            return reason
        names = ", ".join(f".prov/keys/{n}.pub" for n in sorted(self.ctx.unstaged_keys.values()))
        return reason.model_copy(
            update={"message": f"{reason.message}; a commit trusts only staged keys: `git add {names}`"}
        )

    def _file(self, path: str, entry: Entry | None) -> Path | None:
        """A file holding the bytes judged for a single-file artefact (the staged blob, or the working file)."""
        if entry is not None and entry.regular:
            return self.blobs.materialise(entry.blob, self.tmp, path.rsplit("/", 1)[-1])
        if entry is None and (self.root / path).is_file() and path not in self.entries:
            return self.root / path
        return None

    def _pickle_report(self, path: str, entry: Entry | None) -> list[Reason]:
        file = self._file(path, entry)
        return self.ctx.pickle_report(file, path) if file is not None else []

    def _remember(self, path: str) -> None:
        """Let the hook's fast path skip this artefact next time, while nothing it depends on changes."""
        parents = self.parents.get(path, [])
        companions = [path + suffix for suffix in sel.COMPANION_SUFFIXES]  # their absence is recorded too
        specs = [path, sel.card_of(path), *companions, *parents, *(sel.card_of(p) for p in parents)]
        specs += passes.POLICY_SPECS
        text = passes.entries_text(specs, [(e.path, e.mode, e.blob) for e in self.entries.values()], self.head)
        self.cache.record_pass(passes.key(passes.policy_inputs(str(self.root)), path), text)

    # --- data ----------------------------------------------------------------------------------------

    def _content(self, path: str) -> str | None:
        entry = self.entries.get(path)
        if entry is not None:
            return self.blobs.sha256(entry.blob) if entry.regular else None
        file = self.root / path
        return self.hasher.file(file)[0] if file.is_file() else None

    def _dataset_file(self, path: str, names: list[str], copy_of: str | None) -> FileCheck:
        digest = self._content(path)
        reasons: list[Reason] = []
        for name in names:
            versions = self.ctx.versions[name]
            if copy_of is None:
                signed = {f.sha256 for m in versions for f in m.files if f.path == path and f.sha256 is not None}
                if signed and digest not in signed:
                    reasons.append(
                        Reason(
                            code="DATASET_CHANGED",
                            source=f"dataset {name}",
                            message=f"{path} is not the content dataset {name} registered: review it and run "
                            "`prov dataset add --manifest ...` again",
                        )
                    )
            terms = [m.terms() for m in versions]
            rules = dataset_file_rules(name, terms, self.ctx.repository, self.ctx.config, self.ctx.now)
            if copy_of is not None:
                rules = [r.model_copy(update={"message": f"{path} is a copy of {copy_of}: {r.message}"}) for r in rules]
            reasons += rules
        return FileCheck(path, "dataset-file", reasons)

    def _copies(self, paths: Iterable[str]) -> list[FileCheck]:
        """Files whose content is registered data, whatever their name (size first, then sha256)."""
        if not self.registered:
            return []
        staged = {p: self.entries[p] for p in paths if p in self.entries and self.entries[p].regular}
        sizes = self.blobs.sizes(e.blob for e in staged.values())
        if not self.unsized:
            staged = {p: e for p, e in staged.items() if sizes.get(e.blob) in self.sizes}
        digests = self.blobs.sha256_many(e.blob for e in staged.values())
        out = []
        for path, e in staged.items():
            found = self.registered.get(digests[e.blob])
            if found:
                names = list(dict.fromkeys(n for n, _ in found))
                out.append(self._dataset_file(path, names, found[0][1]))
        return out

    def _withdrawn_copies(self, paths: Iterable[str]) -> list[FileCheck]:
        """Files whose bytes a withdrawal recorded as an artefact made from the withdrawn data, under any
        name (a copy renamed so no pattern calls it a model, a file inside a directory)."""
        recorded = {a: w for w in self.ctx.withdrawn.values() for a in w.artefacts}
        if not recorded:
            return []
        staged = [(p, e) for p in paths if (e := self.entries.get(p)) is not None and e.regular]
        digests = self.blobs.sha256_many(e.blob for _, e in staged)
        out = []
        for path, e in staged:
            w = recorded.get(digests[e.blob])
            if w is not None:
                message = (
                    f"{path} holds the bytes of an artefact made from {w.dataset}, which was withdrawn on "
                    f"{w.time.date().isoformat()} ({w.reason}): keep it out of the repository"
                )
                out.append(
                    FileCheck(path, "artefact", [Reason(code="DATASET_WITHDRAWN", source=path, message=message)])
                )
        return out

    # --- .prov/ --------------------------------------------------------------------------------------

    def _staged_bytes(self, path: str) -> bytes:
        e = self.entries.get(path)
        return self.blobs.read(e.blob) if e is not None else read_regular(self.root / path)

    def _manifest(self, path: str) -> FileCheck:
        import yaml

        raw = self._staged_bytes(path)
        try:
            new = parse_model(DatasetManifest, parse_yaml_text(raw, path), path)
        except ManifestError as e:
            return FileCheck(path, "manifest", [Reason(code="MANIFEST_INVALID", message=e.message, source=path)])
        stem = sel.manifest_name(path)
        if new.name != stem:
            return FileCheck(
                path,
                "manifest",
                [
                    Reason(
                        code="MANIFEST_INVALID", source=path, message=f"{path}: name is {new.name!r}, the file {stem}"
                    )
                ],
            )
        old_raw = gitindex.head_blob(self.root, path)
        if old_raw is None:
            return FileCheck(path, "manifest", [])
        try:
            old = DatasetManifest.model_validate(yaml.safe_load(old_raw))
        except Exception:
            return FileCheck(path, "manifest", [])
        relaxed = loosened(dataset_terms(old.name, old.terms()), dataset_terms(new.name, new.terms()))
        if not relaxed:
            return FileCheck(path, "manifest", [])
        cards = _cards_using(self.root, new.name)
        holders = ", ".join(cards) if cards else "no signed card yet"
        return FileCheck(
            path,
            "manifest",
            [
                Reason(
                    code="TERMS_LOOSENED",
                    source=f"dataset {new.name}",
                    message=f"dataset {new.name} loosens {', '.join(relaxed)}; cards signed with the stricter "
                    f"terms keep them ({holders}): re-sign with `prov card ARTEFACT --dataset {new.name} "
                    "--overwrite` if this is meant",
                )
            ],
        )

    def _governance_kept(self) -> list[FileCheck]:
        """Withdrawals and revocations are never taken back by a commit: the staged file must keep every
        withdrawal line and every revocation HEAD has, no later and keeping no more valid. (They bind from
        the ledger anyway; this keeps the files saying so.)"""
        out = []
        for path in GOVERNANCE_FILES:
            head = gitindex.head_blob(self.root, path)
            if head is None:
                continue
            e = self.entries.get(path)
            staged = self.blobs.read(e.blob) if e is not None and e.regular else b""
            problem = _governance_dropped(path, head, staged)
            if problem is not None:
                out.append(
                    FileCheck(path, "prov-file", [Reason(code="PROV_FILE_INVALID", source=path, message=problem)])
                )
        return out

    def _prov_file(self, path: str) -> FileCheck | None:
        """Config, keys and revocations must read as what they claim to be; a bad one blocks."""
        raw = self._staged_bytes(path)
        problem = _prov_file_problem(path, raw)
        if problem is None:
            return None
        return FileCheck(
            path, "prov-file", [Reason(code="PROV_FILE_INVALID", source=path, message=f"{path}: {problem}")]
        )


def _fail(path: str, kind: str, code: str, message: str, source: str | None = None) -> FileCheck:
    return FileCheck(path, kind, [Reason(code=code, source=source or path, message=message)])


def _prov_file_problem(path: str, raw: bytes) -> str | None:
    import yaml

    from ..crypto import keys as _keys
    from ..model.config import Config

    try:
        if path.endswith(".pub"):
            _keys.load_public_pem(raw)
        elif path.endswith("config.yaml"):
            parse_model(Config, parse_yaml_text(raw, path) or {}, path)
        elif path.endswith("revocations.yaml"):
            from ..store.trust import parse_revocations

            parse_revocations(parse_yaml_text(raw, path), path)
        elif path.endswith("withdrawals.jsonl"):
            from ..store.withdrawals import parse

            parse(raw, path)
        elif path.endswith("ledger.jsonl"):
            for n, line in enumerate(raw.decode().splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    dsse.Envelope.from_json(line)
                except ValueError as e:
                    return f"line {n} is not a ledger entry (a signed envelope): {e}"
        elif path.endswith(".gitignore"):
            raw.decode()
    except ManifestError as e:
        return e.problem
    except (ValueError, yaml.YAMLError, _keys.UnsupportedKey) as e:
        return f"does not read as what it should be ({str(e).splitlines()[0] if str(e) else type(e).__name__})"
    return None


GOVERNANCE_FILES = (".prov/withdrawals.jsonl", ".prov/keys/revocations.yaml", ".prov/ledger.jsonl")


def _governance_dropped(path: str, head: bytes, staged: bytes) -> str | None:
    """What a staged withdrawals or revocations file takes back from HEAD's, or None."""
    fix = f"restore it (`git checkout HEAD -- {path}`); withdrawals and revocations are never taken back"
    if path.endswith("ledger.jsonl"):
        if staged.startswith(head.rstrip(b"\n")) and staged[len(head.rstrip(b"\n")) :][:1] in (b"", b"\n"):
            return None
        return f"{path}: the commit rewrites the ledger (HEAD's entries are not all kept, in order): {fix}"
    if path.endswith("withdrawals.jsonl"):
        kept = {line.strip() for line in staged.split(b"\n")}
        lost = [line for line in head.split(b"\n") if line.strip() and line.strip() not in kept]
        return f"{path}: the commit drops {len(lost)} withdrawal(s) HEAD records: {fix}" if lost else None
    from ..store.trust import parse_revocations

    try:
        before = parse_revocations(parse_yaml_text(head, path), path)
        after = parse_revocations(parse_yaml_text(staged, path), path) if staged else {}
    except ManifestError:
        return None  # a file that does not read is refused by the check of .prov files
    for keyid, old in before.items():
        new = after.get(keyid)
        if new is None:
            return f"{path}: the commit drops the revocation of key {old.name or keyid[:16]}: {fix}"
        if new.revoked_at > old.revoked_at:
            return f"{path}: the commit moves the revocation of key {old.name or keyid[:16]} later: {fix}"
        if old.still_valid is not None and (new.still_valid is None or not new.still_valid <= old.still_valid):
            return f"{path}: the commit keeps more cards of revoked key {old.name or keyid[:16]} valid: {fix}"
    return None


def _unknown_prov_file(path: str) -> FileCheck:
    return FileCheck(
        path,
        "prov-file",
        [
            Reason(
                code="PROV_FILE_UNKNOWN",
                source=path,
                message=f"{path} is not a file prov knows (manifests are .prov/datasets/NAME.yaml, keys "
                ".prov/keys/NAME.pub): move it out of .prov/ or remove it from the commit",
            )
        ],
    )


def _not_a_file(path: str, entry: Entry) -> Reason:
    return Reason(
        code="ARTEFACT_NOT_A_FILE",
        source=path,
        message=f"{path} is {entry.what} in the commit; an artefact is committed as the file itself",
    )


def _unsigned(artefact: str, path: str) -> Reason:
    return Reason(
        code="UNSIGNED_FILE_STAGED",
        source=path,
        message=f"{path} is inside {artefact} but outside what its card signs (top-level .git* and .github are "
        "left out of the digest): remove it from the directory or from the commit",
    )


def _rel_or(repo: ProvRepo, path: str) -> str:
    try:
        return repo.relative(Path(path))
    except UsageError:
        return path


def _expand(root: Path, names: list[str], entries: Mapping[str, object]) -> list[str]:
    """A directory named on the command line (``prov check .``, ``prov check models/``) stands for every
    file the next commit holds under it, as git's own pathspecs do; a file stands for itself."""
    out: list[str] = []
    for name in names:
        if name in ("", "."):
            out += sorted(entries)
        elif name not in entries and (
            (root / name).is_dir() or any(e.startswith(name.rstrip("/") + "/") for e in entries)
        ):
            prefix = name.rstrip("/") + "/"  # a directory here, or one the commit holds and the tree lost
            out += sorted(e for e in entries if e.startswith(prefix)) or [name]
        else:
            out.append(name)
    return list(dict.fromkeys(out))


def _relative(root: Path, path: str) -> str:
    p = Path(path)
    full = p if p.is_absolute() else Path.cwd() / p
    try:
        return (
            full.resolve().relative_to(root.resolve()).as_posix()
            if not full.is_symlink()
            else (full.parent.resolve() / full.name).relative_to(root.resolve()).as_posix()
        )
    except ValueError:
        return p.as_posix()


def _cards_using(root: Path, dataset: str) -> list[str]:
    out = []
    for card in gitindex.files_matching(root, CARD_SUFFIX):
        try:
            env = strictjson.loads(read_regular(root / card))
            statement = strictjson.loads(base64.b64decode(env["payload"]))
            if any(d.get("name") == dataset for d in statement["predicate"].get("datasets", [])):
                out.append(card)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return out
