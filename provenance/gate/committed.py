"""The policy a commit is judged under: the strictest of what the working tree, the index and HEAD say.

The commit check reads the artefacts from git's index; it must not take its policy from files an
attacker can edit without staging. So the repository's audience is the widest any version of
``.prov/config.yaml`` names (and public when they disagree on the owner), every version of a dataset
manifest applies (a manifest deleted or loosened only in the working tree still binds), a withdrawal
anywhere counts, a key is trusted only when it is both in the working tree and staged, and a
revocation anywhere counts (merged: the earliest, keeping valid only what every version keeps).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .. import selection as sel
from ..crypto.keyinfo import PublicKeyInfo
from ..errors import ManifestError
from ..model.config import Config, LoadingLimits, PolicySettings, Repository
from ..model.dataset import DatasetManifest
from ..store.gitindex import Blobs, Entry
from ..store.trust import Revocation, TrustRoot, parse_revocations
from ..store.withdrawals import by_dataset
from ..store.withdrawals import parse as parse_withdrawals
from ..store.yamlio import parse_model, parse_yaml_text
from .context import DecisionContext

WIDTH = {"private": 0, "internal": 1, "public": 2}


def head_entries(root: Path) -> dict[str, Entry]:
    """``.prov/`` as HEAD holds it (empty before the first commit)."""
    r = subprocess.run(
        ["git", "--no-replace-objects", "--literal-pathspecs", "ls-tree", "-r", "-z", "HEAD", "--", ".prov"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    out: dict[str, Entry] = {}
    if r.returncode != 0:
        return out
    for line in r.stdout.split(b"\0"):
        if not line:
            continue
        meta, _, name = line.decode(errors="surrogateescape").partition("\t")
        mode, kind, blob = meta.split()
        if kind == "blob":
            out[name] = Entry(name, mode, blob)
    return out


def commit_context(ctx: DecisionContext, staged: dict[str, Entry], blobs: Blobs) -> DecisionContext:
    head = head_entries(ctx.repo.root)
    ctx.config = _strictest([ctx.config, *_configs(staged, blobs), *_configs(head, blobs)])
    _add_manifests(ctx, staged, blobs, report=True)
    _add_manifests(ctx, head, blobs, report=False)
    staged_keys = _keyids(staged, blobs)
    trust = ctx.trust.with_revocations([*_revocations(staged, blobs), *_revocations(head, blobs)])
    for entries in (staged, head):
        raw = _read(entries, ".prov/withdrawals.jsonl", blobs)
        if raw is not None:
            try:
                more = parse_withdrawals(raw, ".prov/withdrawals.jsonl")
                ctx.withdrawn = by_dataset([*ctx.withdrawn.values(), *(m.withdrawal for m in more)])
            except ManifestError:
                pass  # a staged file that does not read is refused by the check of .prov files
    ctx.unstaged_keys = {k.keyid: k.name for k in ctx.trust.keys if k.keyid not in staged_keys}
    ctx.trust = TrustRoot([k for k in trust.keys if k.keyid in staged_keys], trust.revoked)
    return ctx


def _read(entries: dict[str, Entry], path: str, blobs: Blobs) -> bytes | None:
    e = entries.get(path)
    return blobs.read(e.blob) if e is not None and e.regular else None


def _configs(entries: dict[str, Entry], blobs: Blobs) -> list[Config]:
    raw = _read(entries, ".prov/config.yaml", blobs)
    if raw is None:
        return []
    try:
        return [parse_model(Config, parse_yaml_text(raw, ".prov/config.yaml") or {}, ".prov/config.yaml")]
    except ManifestError:
        return []  # a staged config that does not read is refused by the check of .prov files


def _strictest(configs: list[Config]) -> Config:
    owners = {c.repository.owner.strip().casefold() for c in configs}
    audience = max((c.repository.audience for c in configs), key=WIDTH.__getitem__)
    if len(owners) > 1:
        audience = "public"  # who owns the repository is in dispute: nobody is inside
    patterns = list(dict.fromkeys(p for c in configs for p in c.artefacts.patterns))
    first = configs[0]
    return first.model_copy(
        update={
            "repository": Repository(owner=first.repository.owner, audience=audience),  # type: ignore[arg-type]
            "artefacts": first.artefacts.model_copy(update={"patterns": patterns}),
            "policy": PolicySettings(
                membership_advantage_max=min(c.policy.membership_advantage_max for c in configs),
                require_privacy_audit_for_personal_data=any(
                    c.policy.require_privacy_audit_for_personal_data for c in configs
                ),
            ),
            "loading": LoadingLimits(
                max_bytes=min(c.loading.max_bytes for c in configs),
                max_opcodes=min(c.loading.max_opcodes for c in configs),
                max_expansion=min(c.loading.max_expansion for c in configs),
            ),
        }
    )


def _add_manifests(ctx: DecisionContext, entries: dict[str, Entry], blobs: Blobs, report: bool) -> None:
    for path, e in entries.items():
        name = sel.manifest_name(path)
        if name is None or not e.regular:
            continue
        try:
            manifest = parse_model(DatasetManifest, parse_yaml_text(blobs.read(e.blob), path), path)
            if manifest.name != name:
                raise ManifestError(path, "name", f"is {manifest.name!r} but the file is {path}")
        except ManifestError as err:
            if report:
                ctx.manifest_errors.setdefault(name, err)
            continue
        versions = ctx.versions.setdefault(name, [])
        if manifest not in versions:
            versions.append(manifest)
        ctx.manifests.setdefault(name, manifest)


def _keyids(entries: dict[str, Entry], blobs: Blobs) -> set[str]:
    out = set()
    for path, e in entries.items():
        if path.startswith(".prov/keys/") and path.endswith(".pub") and e.regular:
            try:
                out.add(PublicKeyInfo.from_pem(path, blobs.read(e.blob)).keyid)
            except ValueError:  # UnsupportedKey is a ValueError
                continue
    return out


def _revocations(entries: dict[str, Entry], blobs: Blobs) -> list[Revocation]:
    raw = _read(entries, ".prov/keys/revocations.yaml", blobs)
    if raw is None:
        return []
    try:
        return list(parse_revocations(parse_yaml_text(raw, ".prov/keys/revocations.yaml"), "revocations").values())
    except ManifestError:
        return []  # a staged file that does not read is refused by the check of .prov files
