"""`prov verify`, without click: what recipients and CI jobs run, often over many artefacts.

`prov verify` is parsed here when its arguments are plain (targets, ``--key FILE``, ``--json``); help
and anything unusual go through click (``verify_cmd``), which calls the same ``run``. Artefacts are
checked with ``api.verify.check_target`` (no pydantic); bundles with the full reader.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def parse(args: list[str]) -> tuple[list[Path], list[Path], bool, list[Path]] | None:
    """(targets, keys, as_json, revocation lists), or None when click should parse (help, unknown options,
    no target)."""
    targets: list[Path] = []
    keys: list[Path] = []
    lists: list[Path] = []
    as_json = False
    rest = iter(args)
    options = True
    for a in rest:
        if options and a == "--":
            options = False
        elif options and a == "--json":
            as_json = True
        elif options and a == "--key":
            value = next(rest, None)
            if value is None:
                return None
            keys.append(Path(value))
        elif options and a.startswith("--key="):
            keys.append(Path(a[len("--key=") :]))
        elif options and a == "--revocations":
            value = next(rest, None)
            if value is None:
                return None
            lists.append(Path(value))
        elif options and a.startswith("--revocations="):
            lists.append(Path(a[len("--revocations=") :]))
        elif options and a.startswith("-") and a != "-":
            return None
        else:
            targets.append(Path(a))
    return (targets, keys, as_json, lists) if targets else None


def main(args: list[str]) -> int | None:
    parsed = parse(args)
    if parsed is None:
        return None
    from ..errors import report

    try:
        return run(*parsed)
    except Exception as e:  # one line; exit 2 for the user's mistakes, 3 for prov's
        return report(e)


# Lines to print once every target has been read: a bad target (exit 2) then prints only its one line,
# not the verdicts of the targets before it.
_pending: list[tuple[str, bool]] = []


def run(
    targets: list[Path],
    keys: list[Path],
    as_json: bool,
    revocation_files: list[Path] | None = None,
    connection: Any = None,
) -> int:
    from ..api.verify import check_target, is_bundle

    results: list[Any] = []
    ok = True
    _pending.clear()
    for target in targets:
        if _reference(str(target)):
            from ..api.remote import Connection, verify_reference

            remote = verify_reference(
                str(target), keys, connection=connection or Connection(), revocation_files=revocation_files or ()
            )
            ok &= remote.verdict.verified
            results.append(remote.as_dict())
            if not as_json:
                _show_card({**remote.verdict.as_dict(), "artefact": remote.pinned or str(target)})
            continue
        if is_bundle(target):
            from ..api.verify import verify_bundle_dir

            bundle = verify_bundle_dir(target, keys, revocation_files=revocation_files or ())
            ok &= bundle.verified
            results.append(bundle.model_dump(mode="json"))
            if not as_json:
                _show_bundle(target, bundle)
            continue
        verdict = check_target(target, keys, revocation_files=revocation_files or (), oms_only=True)
        ok &= verdict.verified
        results.append(verdict.as_dict())
        if not as_json:
            _show_card(verdict.as_dict())
    if as_json:
        sys.stdout.write(json.dumps(results[0] if len(targets) == 1 else results, indent=2, default=str) + "\n")
    for line, err in _pending:
        (sys.stderr if err else sys.stdout).write(line + "\n")
    _pending.clear()
    return 0 if ok else 1


def _reference(text: str) -> bool:
    """HOST[:PORT]/REPOSITORY...: a registry reference. The cheap test first, so a plain path (no host-like
    first component) never imports the registry code on this hot path."""
    head = text.split("/", 1)[0]
    if "/" not in text or not ("." in head or ":" in head or head == "localhost"):
        return False
    from ..api.remote import looks_like_reference

    return looks_like_reference(text)


def _out(line: str, err: bool = False) -> None:
    from ..textsafe import shown

    _pending.append((shown(line), err))


def _show_card(r: dict[str, Any]) -> None:
    if r["verified"] and r["signed_at"] is None:
        _out(
            f"OK {r['artefact']}: OpenSSF model-signing signature by {r['signer']} ({(r['keyid'] or '')[:16]}…), "
            f"sha256 {r['subject_sha256']}"
        )
    elif r["verified"]:
        _out(
            f"OK {r['artefact']}: signed by {r['signer']} ({(r['keyid'] or '')[:16]}…) "
            f"at {r['signed_at']}, sha256 {r['subject_sha256']}"
        )
    else:
        _out(f"FAIL {r['artefact']}")
    _reasons(r["reasons"])


def _reasons(reasons: list[dict[str, Any]]) -> None:
    for x in reasons:
        block = x["severity"] == "block"
        _out(f"{'FAIL' if block else 'WARN'} {x['code']}: {x['message']}", err=block)


def _show_bundle(bundle: Path, result: Any) -> None:
    _reasons([r.model_dump() for r in result.reasons])
    record = result.record
    if not (result.verified and record is not None):
        _out(f"FAIL bundle {bundle}")
        return
    rec, duties = record.recipient, record.duties
    _out(
        f"OK bundle {bundle}: {record.artefact} exported to {rec.name}"
        f"{f' ({rec.org})' if rec.org else ''} on {record.exported_at.isoformat()} by "
        f"{result.exporter}; card signed by {result.card_signer}"
    )
    _out("You may use it:")
    _out(
        f"  purpose    {rec.purpose or 'not stated'}"
        + (f" (permitted: {', '.join(duties.purposes)})" if duties.purposes is not None else "")
    )
    _out(
        f"  territory  {rec.territory or 'not stated'}"
        + (f" (permitted: {', '.join(duties.territories)})" if duties.territories is not None else "")
    )
    commercial = {True: "permitted", False: "NOT permitted", None: "as the licences allow"}
    _out(f"  commercial {commercial[duties.commercial_use]}")
    for title, items in (
        ("attribution", duties.attribution),
        ("share-alike", duties.share_alike),
        ("use restrictions", duties.use_restrictions),
        ("also", duties.other),
    ):
        for item in items:
            _out(f"  {title:10} {item}")
