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
  --intended-use "Research on screening triage inside Acme Hospital; not for clinical decisions." \
  --limitations "Trained on one hospital's population; pseudonymised health data."
echo "== prov verify"
prov verify model.joblib
prov log --verify
echo
echo "== the rendered card (work/model.joblib.card.md), first lines:"
sed -n '1,40p' model.joblib.card.md
echo "..."
echo "Done. Files are in $work: model.joblib, model.joblib.prov.json (signed), model.joblib.card.md"
