"""SPDX licence expressions: validation, joining and the Hugging Face licence ids.

The SPDX grammar and licence list come from ``license-expression`` so we never maintain either by
hand. Pure functions; the licence database is package data loaded once.
"""

from __future__ import annotations

import re
from functools import cache

# Hugging Face Hub's accepted `license:` ids (hub docs, "Licenses"). A licence not in this set is
# rendered as `license: other` with `license_name` / `license_link`.
HF_LICENCE_IDS = frozenset(
    [
        "apache-2.0",
        "mit",
        "openrail",
        "bigscience-openrail-m",
        "creativeml-openrail-m",
        "bigscience-bloom-rail-1.0",
        "bigcode-openrail-m",
        "afl-3.0",
        "artistic-2.0",
        "bsl-1.0",
        "bsd",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "c-uda",
        "cc",
        "cc0-1.0",
        "cc-by-2.0",
        "cc-by-2.5",
        "cc-by-3.0",
        "cc-by-4.0",
        "cc-by-sa-3.0",
        "cc-by-sa-4.0",
        "cc-by-nc-2.0",
        "cc-by-nc-3.0",
        "cc-by-nc-4.0",
        "cc-by-nd-4.0",
        "cc-by-nc-nd-3.0",
        "cc-by-nc-nd-4.0",
        "cc-by-nc-sa-2.0",
        "cc-by-nc-sa-3.0",
        "cc-by-nc-sa-4.0",
        "cdla-sharing-1.0",
        "cdla-permissive-1.0",
        "cdla-permissive-2.0",
        "wtfpl",
        "ecl-2.0",
        "epl-1.0",
        "epl-2.0",
        "etalab-2.0",
        "eupl-1.1",
        "eupl-1.2",
        "agpl-3.0",
        "gfdl",
        "gpl",
        "gpl-2.0",
        "gpl-3.0",
        "lgpl",
        "lgpl-2.1",
        "lgpl-3.0",
        "isc",
        "h-research",
        "intel-research",
        "lppl-1.3c",
        "ms-pl",
        "apple-ascl",
        "apple-amlr",
        "mpl-2.0",
        "odc-by",
        "odbl",
        "openrail++",
        "osl-3.0",
        "postgresql",
        "ofl-1.1",
        "ncsa",
        "unlicense",
        "zlib",
        "pddl",
        "lgpl-lr",
        "deepfloyd-if-license",
        "llama2",
        "llama3",
        "llama3.1",
        "llama3.2",
        "llama3.3",
        "gemma",
        "unknown",
        "other",
    ]
)

# SPDX ids whose Hugging Face id is not simply the lower-cased SPDX id.
_SPDX_TO_HF = {
    "AGPL-3.0-only": "agpl-3.0",
    "AGPL-3.0-or-later": "agpl-3.0",
    "GPL-2.0-only": "gpl-2.0",
    "GPL-2.0-or-later": "gpl-2.0",
    "GPL-3.0-only": "gpl-3.0",
    "GPL-3.0-or-later": "gpl-3.0",
    "LGPL-2.1-only": "lgpl-2.1",
    "LGPL-2.1-or-later": "lgpl-2.1",
    "LGPL-3.0-only": "lgpl-3.0",
    "LGPL-3.0-or-later": "lgpl-3.0",
    "ODbL-1.0": "odbl",
    "ODC-By-1.0": "odc-by",
    "PDDL-1.0": "pddl",
    "Unlicense": "unlicense",
}


@cache
def spdx():  # type: ignore[no-untyped-def]
    """The SPDX licensing database (loaded once: it takes ~0.1 s)."""
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def normalise(expression: str) -> str:
    """Return the canonical form of an SPDX expression, or raise ValueError saying what is wrong.

    Custom agreements must be written ``LicenseRef-<name>``; any other unknown id is an error, because
    a misspelt licence would otherwise be treated as an unknown (and so unrestricted) one.
    """
    text = expression.strip()
    if not text:
        raise ValueError("an SPDX licence expression is required (e.g. MIT, CC-BY-NC-4.0, LicenseRef-Acme-DUA)")
    if _custom_id(text):
        return text  # one custom id is its own canonical form; skips loading the SPDX database (~30 ms)
    listed = _listed_id(text)
    return listed if listed is not None else _normalise_expression(text)


# One SPDX custom licence id (``LicenseRef-`` idstring, SPDX 2.3 annex D).
_LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.\-]+")


def _custom_id(text: str) -> bool:
    """Whether ``text`` is a lone ``LicenseRef-…`` the SPDX database does not know, which the full parse
    gives back unchanged (``tests/test_terms.py`` holds the two to the same answers). The database maps
    many such ids to licences (``LicenseRef-MIT-TC`` is MIT): those, and any id at all when the installed
    database is not the one ``licence_refs`` lists, go to the full parse."""
    if not _LICENSE_REF.fullmatch(text):
        return False
    from .licence_refs import KNOWN

    return text.lower() not in KNOWN and _index_listed()


# One word: what ``licence_refs.CANONICAL`` lists (``licence_refs.LONE_ID``, spelt out: no import here).
_LONE_ID = re.compile(r"[A-Za-z0-9.+\-]+")


def _listed_id(text: str) -> str | None:
    """What the full parse gives for a lone id the SPDX database lists (``mit`` -> ``MIT``), read from
    ``licence_refs.CANONICAL`` without loading the database; None for anything else, and for everything
    when the installed database is not the one listed (``tests/test_terms.py`` holds the two together)."""
    if not _LONE_ID.fullmatch(text):
        return None
    from .licence_refs import CANONICAL

    found = CANONICAL.get(text.lower())
    return found if found is not None and _index_listed() else None


@cache
def _index_listed() -> bool:
    import hashlib

    from .licence_refs import INDEX_SHA256, index_file

    try:
        with open(index_file(), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest() == INDEX_SHA256
    except OSError:
        return False


def _normalise_expression(text: str) -> str:
    from license_expression import ExpressionError

    licensing = spdx()
    try:
        parsed = licensing.parse(text, validate=False, strict=True)
    except ExpressionError as e:
        raise ValueError(f"not a valid SPDX expression ({e})") from e
    unknown = [
        key for key in licensing.unknown_license_keys(parsed) if not key.startswith(("LicenseRef-", "DocumentRef-"))
    ]
    if unknown:
        raise ValueError(
            f"unknown SPDX licence id {unknown[0]!r}; use an id from spdx.org/licenses "
            "or LicenseRef-<name> for a custom agreement"
        )
    return str(licensing.dedup(parsed)) if parsed is not None else text


def join(expressions: list[str]) -> str | None:
    """Conjunction of several licences (a model trained on A and B is bound by A AND B)."""
    unique = list(dict.fromkeys(e for e in expressions if e))
    if not unique:
        return None
    if len(unique) == 1:
        return unique[0]
    licensing = spdx()
    combined = " AND ".join(f"({e})" if " " in e else e for e in unique)
    return str(licensing.dedup(licensing.parse(combined)))


def licence_ids(expression: str) -> list[str]:
    """The licence ids an expression mentions, in order."""
    if _custom_id(expression):
        return [expression]  # as the parse says (tests/test_terms.py), without loading the database
    if (listed := _listed_id(expression)) is not None:
        return [listed]  # likewise: a lone listed id is its canonical id
    return list(dict.fromkeys(spdx().license_keys(spdx().parse(expression))))


def hf_licence(expression: str | None) -> tuple[str, str | None]:
    """Map an SPDX expression to Hugging Face's (license, license_name).

    HF takes one lower-case id; a compound expression, a ``LicenseRef-*`` or any licence HF does not
    list becomes ``other`` with a slug as ``license_name``.
    """
    if not expression:
        return "unknown", None
    ids = licence_ids(expression)
    if len(ids) == 1 and ids[0] == expression.strip():
        spdx = ids[0]
        hf = _SPDX_TO_HF.get(spdx, spdx.lower())
        if hf in HF_LICENCE_IDS and hf not in {"other", "unknown"}:
            return hf, None
    slug = "".join(c if c.isalnum() or c in ".-" else "-" for c in expression.lower())
    slug = "-".join(part for part in slug.split("-") if part)
    return "other", slug


def spdx_url(licence_id: str) -> str | None:
    """The SPDX licence-list page of a listed licence; None for LicenseRef ids."""
    if licence_id.startswith(("LicenseRef-", "DocumentRef-")):
        return None
    return f"https://spdx.org/licenses/{licence_id}.html"


def _refs_rows(words: list[str]) -> str:
    rows, row = [], ""
    for word in words:
        if len(row) + len(word) + 1 > 112:
            rows.append("    " + row.rstrip())
            row = ""
        row += word + " "
    rows.append("    " + row.rstrip())
    return "\n".join(rows)


def refs_module() -> str:
    """The text of ``licence_refs``, from the installed library (loads its database): what
    ``python -m provenance.licences`` prints."""
    import hashlib
    import inspect
    import re

    from license_expression import get_spdx_licensing

    from . import licence_refs

    ids = {k for s in get_spdx_licensing().known_symbols.values() for k in (s.key, *getattr(s, "aliases", ()))}
    known = sorted({k.lower() for k in ids if k.lower().startswith("licenseref-")})
    canonical: dict[str, str] = {}
    for k in sorted(ids):
        if k.lower().startswith("licenseref-") or not re.fullmatch(licence_refs.LONE_ID, k):
            continue
        try:
            canonical[k.lower()] = _normalise_expression(k)
        except ValueError:
            continue  # refused (a deprecated exception, an id the parse does not take alone): full parse
    words = [c if c.lower() == k else f"{k}={c}" for k, c in sorted(canonical.items())]
    with open(licence_refs.index_file(), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    text = inspect.getsource(licence_refs)
    head, _, rest = text.partition("INDEX_SHA256 = ")
    _, _, rest = rest.partition('    """.split()\n)\n')
    between, _, rest = rest.partition('    for w in """\n')
    _, _, tail = rest.partition('    """.split()\n}\n')
    return (
        f'{head}INDEX_SHA256 = "{digest}"\n\nKNOWN = frozenset(\n    """\n'
        + _refs_rows(known)
        + '\n    """.split()\n)\n'
        + between
        + '    for w in """\n'
        + _refs_rows(words)
        + '\n    """.split()\n}\n'
        + tail
    )


if __name__ == "__main__":
    print(refs_module(), end="")
