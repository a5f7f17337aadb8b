"""Generate the JSON Schemas in ``schemas/`` from the pydantic models.

Regenerate from the repository root with ``python -m provenance.schemas_export schemas`` (or
``make schemas``); a test fails when the
checked-in files are out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .model import Config, DatasetManifest, Decision, ModelCard, Verification
from .model.erasure import ErasureReport
from .model.export import BundleVerification, ExportRecord
from .model.lineage import AffectedReport, Lineage
from .model.status import StatusReport

SCHEMAS = {
    "dataset-manifest.schema.json": (DatasetManifest, "prov dataset manifest (.prov/datasets/NAME.yaml)"),
    "config.schema.json": (Config, "prov project policy (.prov/config.yaml)"),
    "model-card.schema.json": (
        ModelCard,
        "prov model card: the in-toto predicate https://prov-cards.dev/model-card/v1",
    ),
    "export-decision.schema.json": (Decision, "prov export decision"),
    "verification.schema.json": (Verification, "prov verify --json output"),
    "export-record.schema.json": (
        ExportRecord,
        "prov export record: the in-toto predicate https://prov-cards.dev/export/v1",
    ),
    "bundle-verification.schema.json": (BundleVerification, "prov verify BUNDLE_DIR --json output"),
    "lineage.schema.json": (Lineage, "prov lineage --json output"),
    "affected.schema.json": (AffectedReport, "prov lineage --affected-by --json output"),
    "status.schema.json": (StatusReport, "prov status --json output"),
    "erasure.schema.json": (ErasureReport, "prov erasure --json output"),
}


def generate() -> dict[str, str]:
    out = {}
    for filename, (model, title) in SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://prov-cards.dev/schemas/{filename}",
            "title": title,
            **{k: v for k, v in schema.items() if k != "title"},
        }
        out[filename] = json.dumps(schema, indent=2, sort_keys=False) + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("schemas")
    from .store.atomic import write_text

    for filename, text in generate().items():
        write_text(target / filename, text)
        print(f"wrote {target / filename}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
