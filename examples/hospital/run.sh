#!/usr/bin/env bash
# The main job on the bundled example: a fresh git repo in examples/hospital/work/, a demo-only
# key directory (your own ~/.config/prov is not touched), then init, dataset add, train, card, verify.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/work"
rm -rf "$work"
mkdir -p "$work"
export PROV_HOME="$work/.prov-home"
cd "$work"
git init -q
git config user.name "Demo Data Scientist"
git config user.email "demo@acme-hospital.example"
git commit -q --allow-empty -m "empty start" --no-verify --no-gpg-sign

echo "== prov init"
prov init --owner "Acme Hospital" --audience internal
echo "== train the model"
metric="$(python "$here/train.py")"
echo "   $metric"
echo "== prov dataset add"
cp "$here/patients-2024.yaml" .
prov dataset add --manifest patients-2024.yaml
echo "== prov card"
prov card model.joblib --dataset patients-2024 --metric "$metric" \
  --train data/train.csv --holdout data/holdout.csv --target diagnosis \
  --intended-use "Research on screening triage inside Acme Hospital; not for clinical decisions." \
  --limitations "Trained on one hospital's population; pseudonymised health data."
echo "== prov verify"
prov verify model.joblib
echo
echo "== the rendered card (work/model.joblib.card.md), first lines:"
sed -n '1,22p' model.joblib.card.md
echo "..."
echo
echo "== prov export to an outside company, for commercial use in the US: refused"
set +e
prov export model.joblib --to outbox/globex --recipient "Data Science" --org "Globex Pharma" \
  --purpose commercial --territory US
status=$?
set -e
if [ "$status" -ne 1 ] || [ -e outbox/globex ]; then
  echo "expected a refusal (exit 1) that writes nothing, got exit $status" >&2
  exit 1
fi
echo
echo "== prov export to the hospital's own research team, for research in Germany: allowed"
prov export model.joblib --to outbox/oncology-research --recipient "Oncology research team" \
  --org "Acme Hospital" --purpose research --territory DE
prov key export > acme-signer.pub
echo
echo "== the recipient verifies the bundle with only the signer's public key (no .prov/, no prov state)"
recipient_home="$(mktemp -d)"
cp -r outbox/oncology-research "$recipient_home/bundle"
cp acme-signer.pub "$recipient_home/"
(cd "$recipient_home" && env -u PROV_HOME HOME="$recipient_home" prov verify bundle --key acme-signer.pub)
echo "== the recipient loads the model with provenance.load (never joblib.load): verified, then built safely"
(cd "$recipient_home" && env -u PROV_HOME HOME="$recipient_home" python -c "
import provenance
model = provenance.load('bundle/model.joblib', keys=['acme-signer.pub'])
print(f'loaded {type(model).__name__} through the construction policy')")
rm -rf "$recipient_home"
echo
echo "== the ledger records the card and both export decisions"
prov log
prov log --verify
echo
echo "== the same from a training script, with the Python API (record_with_api.py)"
python "$here/record_with_api.py"
echo
echo "== governance: what the model was made from, what derives from the dataset, the repository's status"
prov lineage model.joblib
prov lineage --affected-by patients-2024
prov status --html status.html || echo "(prov status exits 1 while something needs action: see status.html)"
echo
echo "== for the compliance team: the card as a CycloneDX 1.7 ML-BOM and as SPDX 3.0.1 (verified first)"
prov card model.joblib --render --format cyclonedx --spec 1.7 -o model.cdx.json
prov card model.joblib --render --format spdx3 -o model.spdx.json
echo
echo "Done. Files are in $work: model.joblib, its signed card and rendered card, model.joblib.sig (OpenSSF"
echo "model signing: model_signing verify key model.joblib --public_key acme-signer.pub --signature model.joblib.sig),"
echo "model.cdx.json and model.spdx.json, outbox/oncology-research/,"
echo "status.html (open it in a browser: the artefact table, lineage pictures, the membership audit's ROC curve)"
