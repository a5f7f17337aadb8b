"""What a path in a commit is, to prov: one answer for the hook's fast path and the full check.

Stdlib only, no regular expressions and no pathlib: the pre-commit hook imports this on every commit.
The caller supplies what only it can know cheaply (the configured patterns, the registered data
paths, which directories carry a card); this module only classifies.
"""

from .filenames import (
    CARD_SUFFIX,
    MANIFEST_SUFFIXES,
    OMS_SUFFIX,
    PROV_DIR,
    PROV_FILES,
    RENDERED_SUFFIX,
    SSH_CARD_SUFFIX,
    SSH_SIG_SUFFIX,
)

ARTEFACT = "artefact"  # a file whose name matches an artefact pattern
IN_DIRECTORY = "in-directory"  # a file inside a carded directory artefact (judged with the directory)
CARD = "card"  # ARTEFACT.prov.json (judged with its artefact)
RENDERED = "rendered"  # ARTEFACT.card.md: a rendering of the card, not signed, not judged
COMPANION = "companion"  # ARTEFACT.sig / .card.json / .card.sig: judged with ARTEFACT when it has a card
DATASET_FILE = "dataset-file"  # a path a dataset manifest registers
MANIFEST = "manifest"  # .prov/datasets/NAME.yaml or .yml
PROV_FILE = "prov-file"  # config, keys, revocations, ledger: read and validated
PROV_UNKNOWN = "prov-unknown"  # anything else under .prov/: blocks (fail closed)
OTHER = "other"  # none of these (still compared with registered data by content)


def ancestors(path: str) -> list[str]:
    """``a/b/c`` -> ``["a", "a/b"]``: the directories a path lies in, outermost first."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


COMPANION_SUFFIXES = (SSH_SIG_SUFFIX, SSH_CARD_SUFFIX, OMS_SUFFIX)


def companion_bases(path: str) -> list[str]:
    """Every artefact whose signature for other tools ``path`` could be (``m.card.sig``: ``m``'s SSH
    signature or ``m.card``'s model-signing signature); it is one only for an artefact with a card."""
    return [
        path[: -len(suffix)]
        for suffix in COMPANION_SUFFIXES
        if path.endswith(suffix) and len(path) > len(suffix) and not path.endswith("/" + suffix)
    ]


def card_of(artefact: str) -> str:
    return artefact + CARD_SUFFIX


def artefact_of_card(card: str) -> str:
    return card[: -len(CARD_SUFFIX)]


def matches(name: str, pattern: str) -> bool:
    """Case-insensitive glob of a file's base name (``*.joblib`` matches ``MODEL.JOBLIB``)."""
    name, pattern = name.lower(), pattern.lower()
    if pattern.startswith("*") and not any(c in pattern[1:] for c in "*?["):
        return name.endswith(pattern[1:])
    import fnmatch  # only for patterns beyond `*.ext` (it pulls in `re`)

    return fnmatch.fnmatchcase(name, pattern)


def pattern_problem(pattern: object) -> str | None:
    """Why a configured artefact pattern would silently match nothing (or the wrong thing), if it would.

    ``fnmatch`` reads an unclosed ``[`` as a literal bracket and a ``/`` can never occur in a base name,
    so both patterns are accepted and then match no file: a model committed unseen. Refused instead.
    """
    if not isinstance(pattern, str) or not pattern.strip():
        return "an artefact pattern must be a non-empty glob such as *.joblib"
    if not pattern.isprintable():
        return f"artefact pattern {pattern!r} holds a control character"
    if "/" in pattern or "\\" in pattern:
        return f"artefact pattern {pattern!r} names a path; patterns match file names (e.g. *.pkl)"
    if pattern in (".", "..") or len(pattern.encode("utf-8", "surrogateescape")) > 255:
        return f"artefact pattern {pattern[:40]!r} can never be a file's name"
    i = 0
    while i < len(pattern):
        if pattern[i] == "[":
            j = i + 1
            if j < len(pattern) and pattern[j] == "!":
                j += 1
            if j < len(pattern) and pattern[j] == "]":
                j += 1
            close = pattern.find("]", j)
            if close < 0:
                return f"artefact pattern {pattern!r} has an unclosed '['; write [[] for a literal bracket"
            body = pattern[i + 1 : close].lstrip("!").lower()  # matched lower-cased: [Z-a] becomes [z-a]
            for k in range(1, len(body) - 1):
                if body[k] == "-" and body[k - 1] > body[k + 1]:
                    return f"artefact pattern {pattern!r} has the empty range {body[k - 1 : k + 2]!r}"
            i = close
        i += 1
    return None


def is_artefact_name(path: str, patterns: list[str]) -> bool:
    name = path.rsplit("/", 1)[-1]
    return any(matches(name, p) for p in patterns)


def manifest_name(path: str) -> str | None:
    """The dataset name of ``.prov/datasets/NAME.yaml`` (or ``.yml``); None for anything else."""
    prefix = PROV_DIR + "/datasets/"
    if not path.startswith(prefix) or "/" in path[len(prefix) :]:
        return None
    base = path[len(prefix) :]
    for suffix in MANIFEST_SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return None


def classify(path: str, patterns: list[str], dataset_paths: object, carded_dirs: object) -> str:
    """The kind of ``path`` (POSIX, relative to the repository root).

    ``dataset_paths`` and ``carded_dirs`` support ``in``: registered data paths, and directories
    ``D`` for which ``D.prov.json`` exists (staged or in the working tree).
    """
    if path == PROV_DIR or path.startswith(PROV_DIR + "/"):
        if manifest_name(path) is not None:
            return MANIFEST
        rel = path[len(PROV_DIR) + 1 :]
        if rel in PROV_FILES or (rel.startswith("keys/") and rel.count("/") == 1 and rel.endswith(".pub")):
            return PROV_FILE
        return PROV_UNKNOWN
    if path in dataset_paths:  # type: ignore[operator]
        return DATASET_FILE  # registered data is data wherever it lies (its directory is judged too)
    if any(d in carded_dirs for d in ancestors(path)):  # type: ignore[operator]
        return IN_DIRECTORY
    if path.endswith(CARD_SUFFIX):
        return CARD
    if is_artefact_name(path, patterns):
        return ARTEFACT
    if companion_bases(path):
        return COMPANION
    if path.endswith(RENDERED_SUFFIX):
        return RENDERED
    return OTHER
