"""`prov check`: every staged (or tracked) artefact, dataset file and manifest, judged as git will commit it.

Committing is an export to the repository's audience (`repository` in `.prov/config.yaml`), so the
policy decides: artefacts need a staged card that verifies under the repository's trusted keys and
matches the staged bytes; dataset files may only enter a repository their confidentiality allows;
manifests must validate, and a manifest that loosens terms is reported (cards keep the stricter terms
they were signed with until re-signed).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.pickles.reader import Limits
from ..card.files import CARD_SUFFIX
from ..card.verify import verify_and_read
from ..digest import sha256_file
from ..errors import ManifestError
from ..model.dataset import DatasetManifest
from ..model.decision import Reason
from ..policy.decide import dataset_file_rules, decide, repository_recipient
from ..policy.terms import dataset_terms, loosened
from ..store import config as config_store
from ..store import datasets as dataset_store
from ..store import gitindex, trust
from ..store.repo import ProvRepo
from ..store.yamlio import parse_model
from ._common import hasher_for, utcnow


@dataclass
class FileCheck:
    path: str
    kind: str  # artefact | dataset-file | manifest
    reasons: list[Reason] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(r.severity == "block" for r in self.reasons)


def run_check(
    root: Path, paths: list[str], *, all_files: bool = False, now: dt.datetime | None = None
) -> list[FileCheck]:
    now = now or utcnow()
    repo = ProvRepo(root)
    config = config_store.load(repo)
    if all_files:
        candidates = gitindex.tracked_names(root)
    elif paths:
        candidates = [_relative(root, p) for p in paths]
    else:
        candidates = gitindex.staged_names(root)

    manifests: dict[str, DatasetManifest] = {}
    results: list[FileCheck] = []
    for name in dataset_store.names(repo):
        try:
            manifests[name] = dataset_store.load(repo, name)[0]
        except ManifestError as e:
            results.append(
                FileCheck(
                    repo.dataset_file(name).relative_to(root).as_posix(),
                    "manifest",
                    [Reason(code="MANIFEST_INVALID", message=e.message, source=name)],
                )
            )
    dataset_files: dict[str, list[str]] = {}
    for m in manifests.values():
        for f in m.files:
            dataset_files.setdefault(f.path, []).append(m.name)

    patterns = config.artefacts.patterns
    artefacts = [p for p in candidates if any(fnmatch.fnmatch(p.rsplit("/", 1)[-1], pat) for pat in patterns)]
    data_files = [p for p in candidates if p in dataset_files and p not in artefacts]
    manifest_files = [p for p in candidates if p.startswith(".prov/datasets/") and p.endswith((".yaml", ".yml"))]
    staged = gitindex.StagedFiles(
        root, [*artefacts, *(a + CARD_SUFFIX for a in artefacts), *data_files, *manifest_files]
    )
    context = _Context(repo, config, staged, manifests, now)
    with tempfile.TemporaryDirectory(prefix="prov-check-") as tmp:
        context.tmp = Path(tmp)
        results += [_check_artefact(context, p) for p in artefacts if _present(staged, root, p)]
        context.remember_passes([r for r in results if r.kind == "artefact" and r.ok])
        results += [_check_dataset_file(context, p, dataset_files[p]) for p in data_files if _present(staged, root, p)]
        results += [_check_manifest(context, p) for p in manifest_files if _present(staged, root, p)]
    return results


@dataclass
class _Context:
    repo: ProvRepo
    config: object
    staged: gitindex.StagedFiles
    manifests: dict[str, DatasetManifest]
    now: dt.datetime
    tmp: Path = Path(".")

    def __post_init__(self) -> None:
        self.hasher = hasher_for(self.repo)
        self.trusted = trust.trusted_keys(self.repo)
        self.revoked = {k: r.revoked_at for k, r in trust.revocations(self.repo).items()}
        self.recipient = repository_recipient(self.config)  # type: ignore[arg-type]
        loading = self.config.loading  # type: ignore[attr-defined]
        self.limits = Limits(
            max_bytes=loading.max_bytes, max_opcodes=loading.max_opcodes, max_expansion=loading.max_expansion
        )
        self.digests: dict[str, str] = {}
        self.current = {n: m.terms() for n, m in self.manifests.items()}

    def remember_passes(self, passed: list[FileCheck]) -> None:
        """Let the hook's fast path skip these next time, while nothing they depend on changes."""
        from ..hooks import passcache

        if self.hasher.cache is None:
            return
        policy = passcache.policy_inputs(str(self.repo.root))
        for r in passed:
            digest = self.digests.get(r.path)
            card = r.path + CARD_SUFFIX
            if digest and self.staged.worktree_is_staged(r.path) and self.staged.worktree_is_staged(card):
                self.hasher.cache.record_pass(passcache.key(policy, r.path, digest, self.staged.read(card)))

    def content(self, path: str) -> tuple[Path, str]:
        """(a file with the staged content, its sha256); the stat cache serves unchanged working files."""
        # Named explicitly but not staged: judge the working tree.
        file = self.staged.materialise(path, self.tmp) if self.staged.in_index(path) else self.repo.root / path
        digest = self.hasher.file(file)[0] if file.is_relative_to(self.repo.root) else sha256_file(file)
        self.digests[path] = digest
        return file, digest


def _present(staged: gitindex.StagedFiles, root: Path, path: str) -> bool:
    return staged.in_index(path) or (root / path).is_file()


def _relative(root: Path, path: str) -> str:
    p = Path(path)
    full = p if p.is_absolute() else Path.cwd() / p
    try:
        return full.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def _check_artefact(ctx: _Context, path: str) -> FileCheck:
    file, digest = ctx.content(path)
    card_rel = path + CARD_SUFFIX
    name = path.rsplit("/", 1)[-1]
    if not ctx.staged.in_index(card_rel):
        if (ctx.repo.root / card_rel).is_file():
            reason = Reason(
                code="CARD_NOT_STAGED", source=card_rel, message=f"{card_rel} is not staged: `git add {card_rel}`"
            )
        else:
            reason = Reason(
                code="CARD_MISSING",
                source=path,
                message=f"{path} has no signed card: run `prov card {path} --dataset NAME`, then `git add {card_rel}`",
            )
        return FileCheck(path, "artefact", [reason, *_pickle_report(file, path, ctx.limits)])
    raw = ctx.staged.read(card_rel)
    verification, signed = verify_and_read(
        raw,
        artefact_name=name,
        card_name=card_rel,
        candidates=ctx.trusted,
        revoked_at=ctx.revoked,
        actual_sha256=digest,
    )
    card = signed.card if signed else None
    if card is None:
        return FileCheck(path, "artefact", [r for r in verification.reasons] + _pickle_report(file, path, ctx.limits))
    decision = decide(
        card,
        verification,
        current=ctx.current,
        recipient=ctx.recipient,
        config=ctx.config,
        now=ctx.now,  # type: ignore[arg-type]
    )
    return FileCheck(path, "artefact", list(decision.reasons))


def _pickle_report(file: Path, path: str, limits: Limits) -> list[Reason]:
    """For an artefact that is blocked anyway: name untrusted code in it (read symbolically, never run)."""
    from ..analysis.artefact import inspect_artefact

    facts = inspect_artefact(file, limits)
    bad = facts.untrusted_globals + facts.violations
    if not bad:
        return []
    return [
        Reason(
            code="UNSAFE_PICKLE",
            source=path,
            message=f"{path} is not safe to load ({'; '.join(bad[:3])}): whoever loads it may run code; "
            "do not commit it",
        )
    ]


def _check_dataset_file(ctx: _Context, path: str, names: list[str]) -> FileCheck:
    _, digest = ctx.content(path)
    reasons: list[Reason] = []
    for name in names:
        manifest = ctx.manifests[name]
        entry = next(f for f in manifest.files if f.path == path)
        if entry.sha256 is not None and entry.sha256 != digest:
            reasons.append(
                Reason(
                    code="DATASET_CHANGED",
                    source=f"dataset {name}",
                    message=f"{path} is not the content dataset {name} registered: review it and run "
                    f"`prov dataset add --manifest ...` again",
                )
            )
        reasons += dataset_file_rules(name, manifest.terms(), ctx.recipient, ctx.config, ctx.now)  # type: ignore[arg-type]
    return FileCheck(path, "dataset-file", reasons)


def _check_manifest(ctx: _Context, path: str) -> FileCheck:
    import yaml

    raw = ctx.staged.read(path) if ctx.staged.in_index(path) else (ctx.repo.root / path).read_bytes()
    try:
        new = parse_model(DatasetManifest, yaml.safe_load(raw), path)
    except ManifestError as e:
        return FileCheck(path, "manifest", [Reason(code="MANIFEST_INVALID", message=e.message, source=path)])
    except yaml.YAMLError as e:
        return FileCheck(
            path,
            "manifest",
            [Reason(code="MANIFEST_INVALID", source=path, message=f"{path}: invalid YAML ({str(e).splitlines()[0]})")],
        )
    stem = Path(path).stem
    if new.name != stem:
        return FileCheck(
            path,
            "manifest",
            [
                Reason(
                    code="MANIFEST_INVALID",
                    source=path,
                    message=f"{path}: name is {new.name!r} but the file is {stem}.yaml",
                )
            ],
        )
    old_raw = gitindex.head_blob(ctx.repo.root, path)
    if old_raw is None:
        return FileCheck(path, "manifest", [])
    try:
        old = DatasetManifest.model_validate(yaml.safe_load(old_raw))
    except Exception:
        return FileCheck(path, "manifest", [])
    relaxed = loosened(dataset_terms(old.name, old.terms()), dataset_terms(new.name, new.terms()))
    if not relaxed:
        return FileCheck(path, "manifest", [])
    cards = _cards_using(ctx, new.name)
    holders = ", ".join(cards) if cards else "no signed card yet"
    return FileCheck(
        path,
        "manifest",
        [
            Reason(
                code="TERMS_LOOSENED",
                severity="warn",
                source=f"dataset {new.name}",
                message=f"dataset {new.name} loosens {', '.join(relaxed)}; cards signed with the stricter terms "
                f"keep them ({holders}): re-sign with `prov card ARTEFACT --dataset {new.name} --overwrite` "
                "if this is meant",
            )
        ],
    )


def _cards_using(ctx: _Context, dataset: str) -> list[str]:
    out = []
    for card in gitindex.files_matching(ctx.repo.root, f"*{CARD_SUFFIX}"):
        try:
            env = json.loads((ctx.repo.root / card).read_bytes())
            import base64

            statement = json.loads(base64.b64decode(env["payload"]))
            if any(d.get("name") == dataset for d in statement["predicate"].get("datasets", [])):
                out.append(card)
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out


def render_results(results: list[FileCheck], as_json: bool) -> str:
    if as_json:
        return (
            json.dumps(
                {
                    "ok": all(r.ok for r in results),
                    "checked": [
                        {"path": r.path, "kind": r.kind, "ok": r.ok, "reasons": [x.model_dump() for x in r.reasons]}
                        for r in results
                    ],
                },
                indent=2,
            )
            + "\n"
        )
    lines = []
    for r in results:
        for x in r.reasons:
            tag = "BLOCK" if x.severity == "block" else "warn"
            lines.append(f"{r.path}: {tag} {x.code}: {x.message}")
    if results and all(r.ok for r in results):
        lines.append(f"prov check: {len(results)} file{'s' if len(results) != 1 else ''} OK")
    return "\n".join(lines) + ("\n" if lines else "")
