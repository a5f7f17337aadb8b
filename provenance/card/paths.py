"""Where an artefact's card files live (pathlib only: the light verification path uses it)."""

from __future__ import annotations

from pathlib import Path

from ..filenames import CARD_SUFFIX, RENDERED_SUFFIX


def card_path(artefact: Path) -> Path:
    return artefact.with_name(artefact.name + CARD_SUFFIX)


def rendered_path(artefact: Path) -> Path:
    return artefact.with_name(artefact.name + RENDERED_SUFFIX)


def split_target(target: Path) -> tuple[Path, Path]:
    """(artefact, card) for either an artefact path or its ``.prov.json`` envelope."""
    if target.name.endswith(CARD_SUFFIX):
        return target.with_name(target.name[: -len(CARD_SUFFIX)]), target
    return target, card_path(target)
