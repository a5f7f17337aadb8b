"""Issue 14: the card as the documents compliance tools ingest, each read by that tool's own library:
CycloneDX ML-BOM (cyclonedx-python-lib's strict JSON validator, 1.6 and 1.7), SPDX 3.0.1 AI and Dataset
profiles (spdx-python-model: load, link, write back), Hugging Face (huggingface_hub.ModelCard, offline)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import joblib
import numpy as np
import pytest
import yaml
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

ALLOWED = ["--recipient", "Research team", "--org", "Acme Hospital", "--purpose", "research", "--territory", "DE"]


def _write(path: Path, x: np.ndarray, y: np.ndarray) -> None:
    header = ",".join([f"f{i}" for i in range(x.shape[1])] + ["label"])
    np.savetxt(path, np.c_[x, y], delimiter=",", header=header, comments="", fmt="%.17g")


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A parent published on the Hub and a child trained on personal data with a membership audit: every
    section the exports map."""
    import os
    import subprocess

    from provenance.cli.entry import main

    home = tmp_path_factory.mktemp("home")
    repo = tmp_path_factory.mktemp("rich") / "repo"
    repo.mkdir()
    old_home, old_cwd = os.environ.get("PROV_HOME"), Path.cwd()
    os.environ["PROV_HOME"] = str(home)
    os.chdir(repo)
    try:
        for args in (["init", "-q", "-b", "main"], ["config", "user.email", "t@e"], ["config", "user.name", "T"]):
            subprocess.run(["git", *args], check=True, capture_output=True)

        def prov(*args: object) -> None:
            code = main([str(a) for a in args])
            assert code in (0, None), args

        prov("init", "--owner", "Acme Hospital")
        x, y = make_classification(n_samples=600, n_features=6, random_state=3)
        _write(repo / "train.csv", x[:300], y[:300])
        _write(repo / "holdout.csv", x[300:], y[300:])
        manifest = {
            "name": "visits",
            "version": "2",
            "description": "Outpatient visits 2024",
            "origin": {"source": "Acme EHR", "url": "https://huggingface.co/datasets/acme/visits-2024/tree/main"},
            "owner": {"name": "Acme Hospital", "contact": "dpo@acme.example"},
            "custodian": {"name": "Acme Research Data Office", "contact": "rdo@acme.example"},
            "licence": "LicenseRef-Acme-DUA",
            "confidentiality": "confidential",
            "agreements": [
                {
                    "id": "DUA-7",
                    "kind": "data-use-agreement",
                    "counterparty": "Acme Hospital",
                    "signed": "2024-01-01",
                    "permits": {"derivatives": "internal", "commercial_use": False},
                }
            ],
            "personal_data": {
                "contains": True,
                "categories": ["health"],
                "legal_basis": "public_task",
                "special_category_condition": "explicit_consent",
                "anonymisation": "pseudonymised",
            },
            "files": [{"path": "train.csv"}],
        }
        (repo / "visits.yaml").write_text(yaml.safe_dump(manifest))
        prov("dataset", "add", "--manifest", "visits.yaml")
        prov("dataset", "add", "tabular-bench", "--file", "holdout.csv", "--source", "public benchmark",
             "--owner", "Bench Org", "--licence", "CC-BY-4.0", "--confidentiality", "public", "--no-personal-data",
             "--hub-id", "bench/tabular")  # fmt: skip
        joblib.dump(LogisticRegression().fit(x[300:], y[300:]), repo / "base.joblib")
        prov("card", "base.joblib", "--dataset", "tabular-bench", "--hub-id", "acme/base-lr")
        joblib.dump(LogisticRegression(C=0.5).fit(x[:300], y[:300]), repo / "model.joblib")
        prov("card", "model.joblib", "--dataset", "visits", "--dataset", "tabular-bench:test", "--parent",
             "base.joblib", "--metric", "auc=0.91", "--metric", "f1=0.84", "--intended-use", "Triage support",
             "--limitations", "Adults only", "--train", "train.csv", "--holdout", "holdout.csv", "--target",
             "label", "--audit", "quick", "--licence-link", "https://acme.example/dua-7")  # fmt: skip
    finally:
        os.chdir(old_cwd)
        if old_home is None:
            os.environ.pop("PROV_HOME", None)
        else:
            os.environ["PROV_HOME"] = old_home
    return repo


def _key(repo: Path) -> Path:
    (pub,) = sorted((repo / ".prov" / "keys").glob("*.pub"))
    return pub


def _render(repo: Path, prov, *args: str) -> str:  # type: ignore[no-untyped-def]
    r = prov("card", repo / "model.joblib", "--render", *args, "--key", _key(repo))
    assert r.code == 0, r.err
    return r.out


def _refs_resolve(bom: dict) -> None:
    """What the schema does not check: every reference names a bom-ref, and no bom-ref is given twice."""
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "bom-ref" in node:
                refs.append(node["bom-ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(bom)
    assert len(refs) == len(set(refs)), "duplicate bom-ref"
    known = set(refs)
    for dep in bom.get("dependencies", []):
        assert dep["ref"] in known, dep["ref"]
        assert set(dep.get("dependsOn", [])) <= known, dep
        assert len(dep.get("dependsOn", [])) == len(set(dep.get("dependsOn", []))), dep
    for ds in bom["metadata"]["component"]["modelCard"]["modelParameters"]["datasets"]:
        assert ds["ref"] in known, ds


@pytest.mark.parametrize("spec", ["1.6", "1.7"])
def test_cyclonedx_ml_bom_validates_strictly(rich: Path, prov, spec: str) -> None:  # type: ignore[no-untyped-def]
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    version = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}[spec]
    text = _render(rich, prov, "--format", "cyclonedx", "--spec", spec)
    assert JsonStrictValidator(version).validate_str(text) is None
    bom = json.loads(text)
    _refs_resolve(bom)
    model = bom["metadata"]["component"]
    assert model["type"] == "machine-learning-model"
    card = model["modelCard"]
    assert card["modelParameters"]["modelArchitecture"] == "sklearn.linear_model._logistic.LogisticRegression"
    metrics = {m["type"]: m for m in card["quantitativeAnalysis"]["performanceMetrics"]}
    assert metrics["auc"]["value"] == "0.91"
    assert any(t.startswith("membership-inference advantage: RMIA") for t in metrics)
    ethics = [e["name"] for e in card["considerations"]["ethicalConsiderations"]]
    assert any(e.startswith("Membership inference: strongest advantage") for e in ethics)
    assert card["considerations"]["useCases"] == ["Triage support"]
    data = {c["name"]: c for c in bom["components"] if c["type"] == "data"}
    visits = data["visits"]["data"][0]
    assert visits["classification"] == "confidential (TLP:AMBER)"
    assert visits["sensitiveData"] == ["personal data (GDPR Art. 4(1))", "health"]
    assert visits["governance"]["owners"][0]["organization"]["name"] == "Acme Hospital"
    assert visits["governance"]["custodians"][0]["organization"]["name"] == "Acme Research Data Office"
    assert data["visits"]["licenses"] == [{"expression": "LicenseRef-Acme-DUA"}]
    parents = [c for c in bom["components"] if c["type"] == "machine-learning-model"]
    assert len(parents) == 1 and parents[0]["name"] == "base.joblib"
    (top,) = [d for d in bom["dependencies"] if d["ref"] == model["bom-ref"]]
    assert set(top["dependsOn"]) == {c["bom-ref"] for c in bom["components"]}
    if spec == "1.7":
        assert bom["metadata"]["distributionConstraints"] == {"tlp": "AMBER"}
    else:
        assert "distributionConstraints" not in bom["metadata"]


def test_the_cyclonedx_checks_can_fail(rich: Path, prov) -> None:  # type: ignore[no-untyped-def]
    """The validator and the reference check see a wrong document: they are not tests that always pass."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    bom = json.loads(_render(rich, prov, "--format", "cyclonedx"))
    wrong = json.loads(json.dumps(bom))
    wrong["metadata"]["component"]["type"] = "ml-model"
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(wrong)) is not None
    tlp = json.loads(json.dumps(bom))
    tlp["metadata"]["distributionConstraints"] = {"tlp": "AMBER"}  # a 1.7 field in a 1.6 document
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(tlp)) is not None
    dangling = json.loads(json.dumps(bom))
    dangling["dependencies"][0]["dependsOn"].append("dataset:ghost@1")
    with pytest.raises(AssertionError):
        _refs_resolve(dangling)


def test_spdx3_loads_links_and_writes_back(rich: Path, prov) -> None:  # type: ignore[no-untyped-def]
    from spdx_python_model import v3_0_1 as spdx

    text = _render(rich, prov, "--format", "spdx3")
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.BytesIO(text.encode()), objects)
    assert objects.link() == set(), "unresolved references"
    out = io.BytesIO()
    spdx.JSONLDSerializer().write(objects, out)  # raises where a required property is missing
    (doc,) = [o for o in objects.objects if isinstance(o, spdx.SpdxDocument)]
    assert {str(p).rsplit("/", 1)[-1] for p in doc.profileConformance} >= {"ai", "dataset", "core"}
    (_model,) = [o for o in objects.objects if isinstance(o, spdx.ai_AIPackage) and o.name == "model.joblib"]
    datasets = {o.name: o for o in objects.objects if isinstance(o, spdx.dataset_DatasetPackage)}
    assert datasets["visits"].dataset_confidentialityLevel.endswith("/amber")
    assert datasets["visits"].dataset_hasSensitivePersonalInformation.endswith("/yes")
    assert datasets["tabular-bench"].dataset_confidentialityLevel.endswith("/clear")
    assert datasets["visits"].dataset_datasetAvailability.endswith("/registration")
    relations = {
        (r.from_.name if hasattr(r.from_, "name") else r.from_, str(r.relationshipType).rsplit("/", 1)[-1],
         tuple(t.name for t in r.to))
        for r in objects.objects if isinstance(r, spdx.Relationship)
    }  # fmt: skip
    assert ("model.joblib", "trainedOn", ("visits",)) in relations
    assert ("model.joblib", "testedOn", ("tabular-bench",)) in relations
    assert ("base.joblib", "ancestorOf", ("model.joblib",)) in relations
    assert ("model.joblib", "hasConcludedLicense", (None,)) in relations or any(
        kind == "hasConcludedLicense" for _, kind, _ in relations
    )


@pytest.mark.parametrize(
    "mutation",
    [
        ("dataset_confidentialityLevel", "purple"),  # not a TLP level
        ("dataset_hasSensitivePersonalInformation", "maybe"),
        ("dataset_colour", "blue"),  # not a property of the class
    ],
)
def test_spdx3_wrong_values_and_properties_are_caught(rich: Path, prov, mutation: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    from spdx_python_model import v3_0_1 as spdx

    doc = json.loads(_render(rich, prov, "--format", "spdx3"))
    (ds,) = [e for e in doc["@graph"] if e.get("type") == "dataset_DatasetPackage" and e["name"] == "visits"]
    ds[mutation[0]] = mutation[1]
    with pytest.raises(Exception):  # noqa: B017  (the library raises its own error types)
        objects = spdx.SHACLObjectSet()
        spdx.JSONLDDeserializer().read(io.BytesIO(json.dumps(doc).encode()), objects)
        objects.link()
        spdx.JSONLDSerializer().write(objects, io.BytesIO())


def test_hugging_face_card_loads_offline_and_round_trips(rich: Path, prov, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from huggingface_hub import ModelCard, ModelCardData

    card = ModelCard.load(rich / "model.joblib.card.md")
    meta = card.data.to_dict()
    assert meta["datasets"] == ["acme/visits-2024", "bench/tabular"]  # Hub ids only; local names in the body
    assert meta["base_model"] == "acme/base-lr" and meta["base_model_relation"] == "finetune"
    assert meta["license"] == "other" and meta["license_link"] == "https://acme.example/dua-7"
    assert ModelCardData(**meta).to_dict() == meta
    assert "visits v2" in card.text and "base.joblib" in card.text


def test_hf_readme_carries_the_signed_envelope(rich: Path, prov, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from huggingface_hub import ModelCard

    r = prov(
        "card", rich / "model.joblib", "--render", "--format", "hf", "-o", tmp_path / "README.md", "--key", _key(rich)
    )
    assert r.code == 0, r.err
    card = ModelCard.load(tmp_path / "README.md")
    assert card.data.to_dict()["base_model"] == "acme/base-lr"
    block = card.text.split("```json\n")[-1].split("\n```")[0]
    assert json.loads(block) == json.loads((rich / "model.joblib.prov.json").read_text())
    assert "model_signing verify key model.joblib" in card.text
    payload = base64.b64decode(json.loads(block)["payload"])
    assert json.loads(payload)["predicate"]["hub_id"] is None


def test_license_link_names_only_files_that_ship(project: Path, prov, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A LicenseRef without a link: no license_link beside the model (no LICENSE file is there); in a bundle,
    the licence notices that travel with it. A standard licence keeps a given --licence-link."""
    from huggingface_hub import ModelCard

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    meta = ModelCard((project / "model.joblib.card.md").read_text()).data.to_dict()
    assert meta["license"] == "other" and "license_link" not in meta
    assert prov("export", "model.joblib", "--to", tmp_path / "out", *ALLOWED).code == 0
    shipped = ModelCard((tmp_path / "out" / "model.joblib.card.md").read_text()).data.to_dict()
    assert shipped["license_link"] == "LICENCE-NOTICES.md" and (tmp_path / "out" / "LICENCE-NOTICES.md").is_file()
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite", "--licence", "Apache-2.0",
             "--licence-link", "LICENSE.txt")  # fmt: skip
    assert r.code == 2 and "no such file beside model.joblib" in r.err
    (project / "LICENSE.txt").write_text("Apache License 2.0\n")
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite", "--licence", "Apache-2.0",
             "--licence-link", "LICENSE.txt")  # fmt: skip
    assert r.code == 0, r.err
    meta = ModelCard((project / "model.joblib.card.md").read_text()).data.to_dict()
    assert meta["license"] == "apache-2.0" and meta["license_link"] == "LICENSE.txt"
    assert prov("export", "model.joblib", "--to", tmp_path / "out2", *ALLOWED).code == 0
    shipped = ModelCard((tmp_path / "out2" / "model.joblib.card.md").read_text()).data.to_dict()
    assert shipped["license_link"] == "LICENCE-NOTICES.md"  # LICENSE.txt does not travel; the notices do
    for bad in ("javascript:alert(1)", "/etc/passwd", "../LICENSE.txt", "a b.txt"):
        r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite", "--licence-link", bad)
        assert r.code == 2 and "--licence-link" in r.err, bad


def test_hub_ids_are_checked(project: Path, prov) -> None:  # type: ignore[no-untyped-def]
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--hub-id", "not a hub id")
    assert r.code == 2 and "--hub-id" in r.err and "NAMESPACE/NAME" in r.err
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--format", "cyclonedx")
    assert r.code == 2 and "--render" in r.err
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    r = prov("card", "model.joblib", "--render", "--format", "spdx3", "--spec", "1.7")
    assert r.code == 2 and "--spec" in r.err


def test_directory_models_list_their_files_in_the_bom(project: Path, prov) -> None:  # type: ignore[no-untyped-def]
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    (project / "m").mkdir()
    (project / "m" / "weights.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    (project / "m" / "config.json").write_text("{}")
    assert prov("card", "m", "--dataset", "patients-2024").code == 0
    text = prov("card", "m", "--render", "--format", "cyclonedx", "--spec", "1.7").out
    assert JsonStrictValidator(SchemaVersion.V1_7).validate_str(text) is None
    files = json.loads(text)["metadata"]["component"]["components"]
    assert [f["name"] for f in files] == ["config.json", "weights.safetensors"]
    _refs_resolve(json.loads(text))


def test_render_refuses_a_card_that_does_not_verify(project: Path, prov) -> None:  # type: ignore[no-untyped-def]
    """Found by the attacker: a card edited to say "public", its signature kept, rendered as a BOM stating
    terms no one signed. Rendering verifies first, as `prov verify` does."""
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    card = project / "model.joblib.prov.json"
    env = json.loads(card.read_text())
    payload = base64.b64decode(env["payload"]).replace(b'"confidential"', b'"public"')
    env["payload"] = base64.b64encode(payload).decode()
    card.write_text(json.dumps(env))
    for fmt in ("cyclonedx", "spdx3", "hf", "md", "json"):
        r = prov("card", "model.joblib", "--render", "--format", fmt)
        assert r.code == 1 and "SIGNATURE_INVALID" in r.err and r.out == "", fmt
    r = prov("card", "model.joblib", "--render", "--key", project / "model.joblib")
    assert r.code == 2


def test_boms_keep_every_dataset_and_parent_apart(project: Path, prov) -> None:  # type: ignore[no-untyped-def]
    """Found by the attacker: datasets `a-b` v1 and `a` v`b-1` got one SPDX id (one vanished), identical
    parents one bom-ref twice, a child identical to its parent shared its bom-ref, a version with spaces
    made an invalid IRI, and a contact "@x" was written as an e-mail."""
    import shutil

    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from spdx_python_model import v3_0_1 as spdx

    (project / "x.csv").write_text("a\n1\n")
    common = ["--file", "x.csv", "--source", "s", "--owner", "O", "--no-personal-data"]
    assert prov("dataset", "add", "a-b", "--version", "1", *common, "--licence", "CC0-1.0",
                "--confidentiality", "public", "--contact", "@x").code == 0  # fmt: skip
    assert prov("dataset", "add", "a", "--version", "b-1 #final Q1", *common, "--licence", "MIT",
                "--confidentiality", "restricted").code == 0  # fmt: skip
    shutil.copy(project / "model.joblib", project / "p1.joblib")
    shutil.copy(project / "model.joblib", project / "p2.joblib")
    for p in ("p1.joblib", "p2.joblib"):
        assert prov("card", p, "--dataset", "a-b").code == 0
    shutil.copy(project / "model.joblib", project / "child.joblib")  # byte-identical to its parents
    r = prov("card", "child.joblib", "--dataset", "a-b", "--dataset", "a", "--parent", "p1.joblib",
             "--parent", "p2.joblib")  # fmt: skip
    assert r.code == 0, r.err
    for spec, version in (("1.6", SchemaVersion.V1_6), ("1.7", SchemaVersion.V1_7)):
        text = prov("card", "child.joblib", "--render", "--format", "cyclonedx", "--spec", spec).out
        assert JsonStrictValidator(version).validate_str(text) is None
        bom = json.loads(text)
        _refs_resolve(bom)
        assert len([c for c in bom["components"] if c["type"] == "data"]) == 2
        contact = next(c for c in bom["components"] if c["name"] == "a-b")["data"][0]["governance"]["owners"][0]
        assert contact["organization"]["contact"] == [{"name": "@x"}]
    text = prov("card", "child.joblib", "--render", "--format", "spdx3").out
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.BytesIO(text.encode()), objects)
    assert objects.link() == set()
    spdx.JSONLDSerializer().write(objects, io.BytesIO())
    datasets = {o.name: o for o in objects.objects if isinstance(o, spdx.dataset_DatasetPackage)}
    assert set(datasets) == {"a-b", "a"}
    assert datasets["a"].dataset_confidentialityLevel.endswith("/red")
    ids = [e["spdxId"] for e in json.loads(text)["@graph"] if "spdxId" in e]
    assert len(ids) == len(set(ids)) and not any(" " in i for i in ids)
