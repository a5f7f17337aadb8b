"""Rendered cards as Hugging Face and a browser read them."""

from __future__ import annotations

import json
from pathlib import Path

from provenance import licences


def _signed(project: Path, prov) -> None:
    r = prov(
        "card",
        "model.joblib",
        "--dataset",
        "patients-2024",
        "--metric",
        "accuracy=0.96",
        "--intended-use",
        "Research | triage",
    )
    assert r.code == 0, r.err


def test_markdown_front_matter_read_by_huggingface_hub(project: Path, prov) -> None:
    from huggingface_hub import ModelCard

    _signed(project, prov)
    card = ModelCard((project / "model.joblib.card.md").read_text())
    data = card.data.to_dict()
    assert data["license"] == "other"  # LicenseRef-Acme-DUA is not a licence HF lists
    assert data["license_name"] == "licenseref-acme-dua"
    assert data["library_name"] == "sklearn"
    assert "datasets" not in data  # patients-2024 is not on the Hub: no repository id to give
    assert "license_link" not in data  # no LICENSE file ships beside the model, so none is named
    assert "personal-data" in data["tags"]
    assert "## Training data provenance" in card.text
    assert "Acme Hospital EHR export" in card.text and "DUA-2024-17" in card.text
    assert "Research \\| triage" in card.text  # escaped: a pipe in prose draws no table cell


def test_base_model_from_parent(project: Path, prov, trained) -> None:
    import shutil

    from huggingface_hub import ModelCard

    _signed(project, prov)
    shutil.copy(trained["knn"], project / "child.joblib")
    child = ["card", "child.joblib", "--parent", "model.joblib", "--relation", "quantized", "--licence", "Apache-2.0"]
    assert prov(*child).code == 0
    data = ModelCard((project / "child.joblib.card.md").read_text()).data.to_dict()
    assert "base_model" not in data  # the parent has no Hub id: the Hub could not link a local name
    assert "model.joblib" in (project / "child.joblib.card.md").read_text()  # the body names it
    assert data["license"] == "apache-2.0"
    # Published on the Hub (its card says where): the child's base_model is that repository id.
    assert (
        prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite", "--hub-id", "acme/triage").code == 0
    )
    assert prov(*child, "--overwrite").code == 0
    data = ModelCard((project / "child.joblib.card.md").read_text()).data.to_dict()
    assert data["base_model"] == "acme/triage"
    assert data["base_model_relation"] == "quantized"


def test_render_existing_card_without_resigning(project: Path, prov) -> None:
    _signed(project, prov)
    before = (project / "model.joblib.prov.json").read_bytes()
    r = prov("card", "model.joblib", "--render", "--format", "html")
    assert r.code == 0
    assert r.out.startswith("<!doctype html>") and "<style>" in r.out
    assert "src=" not in r.out and "<link" not in r.out  # self-contained
    assert "Acme Hospital" in r.out
    r = prov("card", "model.joblib", "--render", "--format", "json")
    assert json.loads(r.out)["predicateType"] == "https://prov-cards.dev/model-card/v1"
    r = prov("card", "model.joblib", "--render")
    assert r.out == (project / "model.joblib.card.md").read_text()
    assert (project / "model.joblib.prov.json").read_bytes() == before


def test_html_escapes_user_text(project: Path, prov) -> None:
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--intended-use", "<script>alert(1)</script>")
    assert r.code == 0
    html = prov("card", "model.joblib", "--render", "--format", "html").out
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_hf_licence_mapping() -> None:
    assert licences.hf_licence("Apache-2.0") == ("apache-2.0", None)
    assert licences.hf_licence("CC-BY-NC-4.0") == ("cc-by-nc-4.0", None)
    assert licences.hf_licence("GPL-3.0-only") == ("gpl-3.0", None)
    assert licences.hf_licence("LicenseRef-Llama-3") == ("other", "licenseref-llama-3")
    assert licences.hf_licence("MIT AND CC-BY-4.0")[0] == "other"


def test_licence_link_and_recipients_text(project: Path, prov) -> None:
    from huggingface_hub import ModelCard

    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--licence-link", "https://acme.example/dua")
    assert r.code == 0, r.err
    text = (project / "model.joblib.card.md").read_text()
    assert ModelCard(text).data.to_dict()["license_link"] == "https://acme.example/dua"
    assert "| Permitted recipients | none outside the owner (derivative sharing is internal) |" in text


def test_compiled_templates_are_kept_apart_for_markdown_and_html(project: Path, prov, tmp_path: Path) -> None:
    """Markdown and HTML share ``_macros.j2`` but compile it differently (escaping, one-line values): a
    cache keyed by the source alone made an HTML render after a card crash, or a card after an HTML
    render change. Each render, in either order, must equal one from an empty cache."""
    import os
    import subprocess
    import sys

    _signed(project, prov)

    def render(fmt: str, home: Path) -> str:
        env = {**os.environ, "PROV_HOME": str(home)}
        cmd = [sys.executable, "-m", "provenance", "card", "model.joblib", "--render", "--format", fmt]
        r = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout

    fresh = {fmt: render(fmt, tmp_path / f"fresh-{fmt}") for fmt in ("md", "html")}
    for order in (("md", "html", "md", "html"), ("html", "md", "html", "md")):
        home = tmp_path / "-".join(order)
        for fmt in order:
            assert render(fmt, home) == fresh[fmt], (order, fmt)
        assert {p.name for p in (home / "cache" / "templates").iterdir()} == {"md", "html"}


def test_no_compiled_templates_from_a_directory_others_can_write(project: Path, prov, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    _signed(project, prov)
    home = tmp_path / "shared-home"
    (home / "cache").mkdir(parents=True)
    os.chmod(home / "cache", 0o777)  # anyone could swap the templates directory under it
    env = {**os.environ, "PROV_HOME": str(home)}
    cmd = [sys.executable, "-m", "provenance", "card", "model.joblib", "--render"]
    r = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    kept = home / "cache" / "templates" / "md"
    assert not kept.exists() or not any(kept.iterdir())  # rendered, but nothing compiled was kept or read
