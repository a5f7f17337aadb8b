"""What verification needs from a signed card, read with the standard library alone.

One strict JSON parse (duplicate keys, NaN and Infinity refused: a second reader could take another
value), then the few fields a verdict rests on: the subject's name and digest, the signing time, the
artefact's kind and signed file list, and whether the signer's own inspection found it unsafe. The
pydantic ``Statement`` validates the whole card where a decision needs it (``verify_and_read``), and
must read these same facts from the same bytes; it is checked to agree every time it runs.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple

from .. import strictjson
from ..mediatypes import PREDICATE_TYPE, STATEMENT_TYPE

HEX = set("0123456789abcdef")


class FactsError(ValueError):
    pass


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# subject_name, subject_sha256 (or None), signed_at (datetime), kind ("file" | "directory"), files (a
# directory's signed path -> sha256, else None), unsafe_reasons (list). A named tuple, not a dataclass:
# this module is on `prov verify`'s start-up path.
CardFacts = namedtuple("CardFacts", "subject_name subject_sha256 signed_at kind files unsafe_reasons")


def strict_json(data: bytes) -> Any:
    try:
        return strictjson.loads(data)
    except strictjson.StrictJSONError as e:
        message = str(e)
        raise FactsError(message if message.startswith(("not JSON", "nested")) else f"not JSON ({message})") from None


def _get(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if (
        not isinstance(obj, dict)
        or key not in obj
        or not isinstance(obj[key], kind)
        or isinstance(obj[key], bool) != (kind is bool)
    ):
        raise FactsError(f"{where}{key} is missing or not a {getattr(kind, '__name__', kind)}")
    return obj[key]


def read_facts(payload: bytes) -> CardFacts:
    doc = strict_json(payload)
    if _get(doc, "_type", str, "") != STATEMENT_TYPE:
        raise FactsError(f"_type is not {STATEMENT_TYPE}")
    if _get(doc, "predicateType", str, "") != PREDICATE_TYPE:
        raise FactsError(f"predicateType is not {PREDICATE_TYPE}")
    subjects = _get(doc, "subject", list, "")
    if not subjects:
        raise FactsError("subject is empty")
    name = _get(subjects[0], "name", str, "subject[0].")
    digest = _get(subjects[0], "digest", dict, "subject[0].")
    sha = digest.get("sha256")
    if sha is not None and not isinstance(sha, str):
        raise FactsError("subject[0].digest.sha256 is not a string")
    predicate = _get(doc, "predicate", dict, "")
    created = _get(predicate, "created", dict, "predicate.")
    try:
        signed_at = dt.datetime.fromisoformat(_get(created, "time", str, "predicate.created."))
    except ValueError:
        raise FactsError("predicate.created.time is not an ISO 8601 time") from None
    artefact = _get(predicate, "artefact", dict, "predicate.")
    kind = _get(artefact, "kind", str, "predicate.artefact.")
    if kind not in ("file", "directory"):
        raise FactsError("predicate.artefact.kind is neither file nor directory")
    files = None
    if kind == "directory":
        if not artefact.get("files"):
            raise FactsError("predicate.artefact.files is empty: a directory card must list its files")
        files = {}
        for i, f in enumerate(_get(artefact, "files", list, "predicate.artefact.")):
            path = _get(f, "path", str, f"predicate.artefact.files[{i}].")
            fsha = _get(f, "sha256", str, f"predicate.artefact.files[{i}].")
            if len(fsha) != 64 or not set(fsha) <= HEX or path in files:
                raise FactsError(f"predicate.artefact.files[{i}] is not a (unique path, sha256) pair")
            files[path] = fsha
    return CardFacts(name, sha, signed_at, kind, files, unsafe_reasons(artefact.get("inspection")))


def unsafe_reasons(inspection: Any) -> list[str]:
    """Why loading the artefact may run code, by the signer's own inspection (``Inspection.unsafe_reasons``)."""
    if inspection is None:
        return ["no inspection recorded"]
    if not isinstance(inspection, dict):
        raise FactsError("predicate.artefact.inspection is not an object")
    untrusted = inspection.get("untrusted_globals", [])
    violations = inspection.get("violations", [])
    if not (isinstance(untrusted, list) and isinstance(violations, list)):
        raise FactsError("predicate.artefact.inspection lists are not lists")
    reasons = [str(x) for x in [*untrusted, *violations]]
    inspected = inspection.get("inspected")
    legacy_uninspected = inspected is None and inspection.get("method") in ("none", "format by file name")
    if inspected is False or legacy_uninspected:
        reasons.append("not inspected: prov cannot tell whether loading this format runs code")
    return reasons
