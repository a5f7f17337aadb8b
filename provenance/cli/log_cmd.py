from __future__ import annotations

from dataclasses import asdict

import click

from ._output import TtyProgress, emit_json, out, out_lines, say

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..store.ledger import Entry


@click.command()
@click.option("--verify", "check", is_flag=True, help="Verify signatures and the hash chain (exit 1 on a problem).")
@click.option(
    "--recheck",
    is_flag=True,
    help="With --verify: check every signature again, also those this machine checked before (by default a "
    "line whose exact bytes passed under the same key is not checked twice; the chain is always checked whole).",
)
@click.option("--json", "as_json", is_flag=True)
def log(check: bool, recheck: bool, as_json: bool) -> None:
    """List the signed ledger (.prov/ledger.jsonl), or verify it with --verify."""
    from ..api import log as api

    if recheck and not check:
        from ..errors import UsageError

        raise UsageError("--recheck goes with --verify")
    if check:
        progress = None if as_json else TtyProgress.on_terminal("verifying ledger", "entries")
        try:
            verified = api.verify(progress=progress, remembered=not recheck)
        finally:
            if progress is not None:
                progress.finish()
        problems = verified.problems
        if as_json:
            emit_json({"ok": not problems, "problems": [asdict(p) for p in problems]})
        elif problems:
            for p in problems:
                say(f"FAIL line {p.line}: {p.message}")
        else:
            out(f"OK ledger verified ({len(verified.lines)} entries)")
        if problems:
            raise SystemExit(1)
        return
    items = api.entries()
    if as_json:
        emit_json([_as_json(e) for e in items])
        return
    out_lines(
        f"{e.seq:5} {e.time} {e.event:8} {e.data.get('artefact', '')} {_detail(e.event, e.data)}".rstrip()
        for e in items
    )


def _as_json(e: Entry) -> dict[str, object]:
    """``dataclasses.asdict`` without its deep copy (the entry's data is fresh from the parse, never shared)."""
    return {"line": e.line, "seq": e.seq, "time": e.time, "event": e.event, "data": e.data, "keyid": e.keyid}


def _detail(event: str, data: dict[str, object]) -> str:
    if event in ("export", "push"):
        recipient = data.get("recipient") if isinstance(data.get("recipient"), dict) else {}
        who = recipient.get("org") or recipient.get("name") or "?"  # type: ignore[union-attr]
        if data.get("allowed"):
            return f"ALLOWED to {who} -> {data.get('to', '')}"
        return f"REFUSED to {who}: {', '.join(map(str, data.get('reasons') or []))}"  # type: ignore[call-overload]
    if event == "card":
        return f"card {str(data.get('card_sha256', ''))[:16]}"
    return ""
