"""Cards signed by earlier releases keep verifying, and render exactly as reviewed (golden files).

Fixtures in tests/fixtures/cards-vX.Y.Z/ were produced by that release of prov and are never edited:
a format change that strands a recipient fails here. Regenerate goldens with `pytest --update-goldens`
and review the diff.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RELEASES = sorted(p for p in FIXTURES.glob("cards-v*") if p.is_dir())


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name)
def test_old_card_verifies(release: Path, prov, tmp_path: Path) -> None:
    work = tmp_path / release.name
    shutil.copytree(release, work)
    r = prov("verify", work / "model.joblib", "--key", work / "signer.pub", "--json")
    assert r.code == 0, r.out + r.err
    assert json.loads(r.out)["verified"] is True


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_old_card_renders_as_golden(release: Path, fmt: str, prov, update_goldens: bool) -> None:
    r = prov("card", release / "model.joblib", "--render", "--format", fmt, "--key", release / "signer.pub")
    assert r.code == 0, r.err
    golden = release.parent / "goldens" / f"{release.name}.card.{fmt}"
    if update_goldens:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(r.out)
    assert r.out == golden.read_text(), f"{golden} differs; review and run pytest --update-goldens"
