"""Where an artefact's card files live (pathlib only: the light verification path uses it)."""

from __future__ import annotations

from pathlib import Path

from ..filenames import CARD_SUFFIX, RENDERED_SUFFIX

# Most file systems (ext4, XFS, APFS, NTFS in UTF-16 units, ZFS) cap one name at 255 bytes.
NAME_MAX = 255


def card_name_problem(artefact_name: str) -> str | None:
    """Why ``artefact_name`` cannot have a card beside it, if so: its card's name would be past
    ``NAME_MAX``, or the name is not UTF-8 (read from disk with ``surrogateescape``), which a card, a
    JSON text, cannot record."""
    from ..textsafe import shown

    try:
        artefact_name.encode("utf-8")
    except UnicodeEncodeError:
        return f"{shown(artefact_name, 60)}: the name is not UTF-8 text, and a card records names as text; rename it"
    size = len(artefact_name.encode("utf-8"))
    if size + len(CARD_SUFFIX) <= NAME_MAX:
        return None

    return (
        f"{shown(artefact_name, 60)}: the name is {size} bytes and its card adds {CARD_SUFFIX}, past the "
        f"file system's {NAME_MAX}-byte limit; rename the artefact to at most {NAME_MAX - len(CARD_SUFFIX)} bytes"
    )


def named(path: Path) -> Path:
    """``.``, ``..`` and the empty path have no name to put a card beside; they mean the directory itself."""
    if path.name in ("", ".", ".."):
        import os

        return Path(os.path.abspath(path))
    return path


def card_path(artefact: Path) -> Path:
    """The card's path; refused up front when the name cannot exist, so no command fails half-way."""
    artefact = named(artefact)
    if problem := card_name_problem(artefact.name):
        from ..errors import UsageError

        raise UsageError(problem)
    return artefact.with_name(artefact.name + CARD_SUFFIX)


def rendered_path(artefact: Path) -> Path:
    artefact = named(artefact)
    return artefact.with_name(artefact.name + RENDERED_SUFFIX)


def split_target(target: Path) -> tuple[Path, Path]:
    """(artefact, card) for either an artefact path or its ``.prov.json`` envelope."""
    target = named(target)
    if target.name.endswith(CARD_SUFFIX):
        return target.with_name(target.name[: -len(CARD_SUFFIX)]), target
    return target, card_path(target)
