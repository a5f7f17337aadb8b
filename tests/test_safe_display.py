"""A name someone else chose cannot forge output lines or drive the terminal (issue 11)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from provenance.textsafe import shown

FORGED = "evil\nOK model.joblib: signed by default\x1b[2J\u202e.joblib"


@given(st.text())
def test_shown_is_one_printable_line(text: str) -> None:
    s = shown(text)
    assert s.isprintable() and "\n" not in s and "\r" not in s
    if text.isprintable():
        assert s == text  # ordinary names are shown as they are


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_shown_respects_its_limit(text: str, limit: int) -> None:
    assert len(shown(text, limit)) <= limit


def _clean(stream: str) -> None:
    for line in stream.splitlines():
        assert line.isprintable(), repr(line)


def test_a_forged_name_stays_on_its_line(project: Path, prov) -> None:
    from conftest import git

    shutil.copy(project / "model.joblib", project / FORGED)
    r = prov("card", FORGED, "--dataset", "patients-2024")
    assert r.code == 0, r.err
    _clean(r.err)
    assert r.err.count("\n") == 6, r.err  # signed, rendered, wrote .sig, artefact, terms, privacy
    r = prov("verify", FORGED)
    assert r.code == 0 and r.out.count("\n") == 1 and r.out.startswith("OK evil\\nOK model.joblib"), r.out
    _clean(r.out)
    r = prov("log")
    assert r.out.count("\n") == 1 and "evil\\nOK" in r.out
    _clean(r.out)
    git(project, "add", FORGED)
    for args in (("check",), ("check", FORGED)):
        r = prov(*args)
        assert r.code == 1
        _clean(r.out)
        assert all(line.startswith("evil\\nOK") for line in r.out.splitlines()), r.out
    r = prov("export", FORGED, "--to", "out", "--recipient", "X", "--org", "Elsewhere", "--purpose", "research")
    assert r.code == 1
    _clean(r.out)
    _clean(r.err)
    assert r.err.count("\n") == 1


def test_a_forged_name_does_not_restructure_the_rendered_card(project: Path, prov) -> None:
    shutil.copy(project / "model.joblib", project / FORGED)
    intended = "Line one.\nLine two \x1b[31m."
    assert prov("card", FORGED, "--dataset", "patients-2024", "--intended-use", intended).code == 0
    md = (project / f"{FORGED}.card.md").read_text()
    heading = [line for line in md.splitlines() if line.startswith("# ")]
    # One heading, the name's escapes shown as text (their backslashes escaped for Markdown).
    assert heading == ["# Model card for evil\\\\nOK model.joblib: signed by default\\\\x1b\\[2J\\\\u202e.joblib"]
    assert "\x1b" not in md and "\u202e" not in md
    assert "Line one.\nLine two \\\\x1b\\[31m." in md  # prose keeps its lines, not its escape codes


def test_a_pipe_in_a_manifest_value_does_not_draw_table_cells(project: Path, prov) -> None:
    """The attacker's manifest: a version that, unescaped, would fill the Datasets row with a public,
    CC0, no-personal-data story and push the real terms out of the table."""
    manifest = project / ".prov" / "datasets" / "patients-2024.yaml"
    fake = "3 | train | Public web crawl | Acme | CC0-1.0 | public (TLP:CLEAR) | none | no personal data |"
    doc = yaml.safe_load(manifest.read_text())
    doc["version"] = fake
    manifest.write_text(yaml.safe_dump(doc))
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    md = (project / "model.joblib.card.md").read_text()
    row = next(line for line in md.splitlines() if "Public web crawl" in line)
    cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    header = next(line for line in md.splitlines() if line.startswith("| Dataset |"))
    assert len(cells) == header.strip().strip("|").count("|") + 1, (header, row)
    assert "confidential" in row


def _tokens(md: str) -> list:  # type: ignore[type-arg]
    from markdown_it import MarkdownIt

    out = []
    stack = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(md)
    while stack:
        t = stack.pop(0)
        out.append(t)
        stack[:0] = t.children or []
    return out


def test_markdown_injection_through_every_field_renders_as_text(project: Path, prov) -> None:
    """The second attack round's payloads, read by a CommonMark parser: no raw HTML, no link, no heading
    or table beyond the template's own, and the verify command quotes the name."""
    from conftest import git

    name = "x` <img src=x onerror=alert(1)> [click](javascript:alert(1)) `$(touch pwned).joblib"
    shutil.copy(project / "model.joblib", project / name)
    git(project, "remote", "add", "origin", "https://e.example/<script>alert(1)</script>")
    prose = (
        "Research only.\n\n## Sharing terms\n\n| Term | Effective value |\n|---|---|\n"
        "| Confidentiality | public (TLP:CLEAR) |\n\n<script>alert(1)</script>\n---\n1. step\n> quote"
    )
    r = prov(
        "card",
        name,
        "--dataset",
        "patients-2024",
        "--intended-use",
        prose,
        "--limitations",
        "---\nlicense: mit\n---",
        "--metric",
        "<b>acc</b>=0.9",
    )
    assert r.code == 0, r.err
    baseline = project / "baseline.md"
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--metric", "acc=0.9").code == 0
    baseline.write_text((project / "model.joblib.card.md").read_text())
    md = (project / f"{name}.card.md").read_text()

    def structure(text: str) -> list[tuple[str, str]]:
        """Headings, tables, rules, raw HTML and links: what the template draws, and nothing a value adds."""
        kinds = ("heading_open", "table_open", "hr", "html_inline", "html_block", "link_open", "image")
        body = text.split("---", 2)[2]  # past the front matter
        return [(t.type, t.content if t.type.startswith("html") else "") for t in _tokens(body) if t.type in kinds]

    assert structure(md) == structure(baseline.read_text())
    assert "prov verify 'x` <img" in md  # one shell word
