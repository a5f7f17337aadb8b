"""Issue 12's figures: `prov lineage --affected-by` over 5,000 cards (cold and warm card index) against
reading every card (what a query costs without the index), and `prov erasure` of 10 rows against 100
models. Each prov figure is a whole CLI run (`python -m provenance`), start-up included; that start-up
(`--version`) is measured against bare `python -c pass`. No target: the figures are to watch.

    python benchmarks/bench_governance.py [--cards 5000] [--models 100] [--rows 10] [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from _table import Row, bare_python, command, median_interleaved, table  # noqa: E402


def prov(repo: Path, home: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PROV_HOME": str(home)}
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "provenance", *args], cwd=repo, env=env, capture_output=True, text=True)
    return time.perf_counter() - t, r


def make_repo(base: Path) -> tuple[Path, Path]:
    import governance_repo as gov

    from provenance.cli.entry import main

    home = base / "home"
    home.mkdir()
    os.environ["PROV_HOME"] = str(home)

    class Result:
        def __init__(self, code: int) -> None:
            self.code, self.err = code, ""

    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        gov.build(base / "repo", lambda *a: Result(main([str(x) for x in a])))
    return base / "repo", home


def sign_many(repo: Path, n: int, template: str, artefact_files: bool, seed: int = 1) -> list[str]:
    """``n`` cards made from the template card: each a new artefact (a copy with one byte more when
    ``artefact_files``), a random earlier one as parent for a third of them, signed with the user's key."""
    from provenance.card import build
    from provenance.card.files import read_signed_card, statement_bytes
    from provenance.crypto import dsse
    from provenance.model.card import PAYLOAD_TYPE
    from provenance.store import userkeys

    key = userkeys.load_private("default")
    base = read_signed_card((repo / f"{template}.prov.json").read_bytes())
    rng = random.Random(seed)
    made: list[tuple[str, str, str]] = []  # (path, card sha256, artefact sha256)
    source = (repo / template).read_bytes()
    model = None
    if artefact_files:
        import io

        import joblib

        model = joblib.load(repo / template)  # the benchmark's own file, written by joblib above
    out = repo / "many"
    out.mkdir(exist_ok=True)
    for i in range(n):
        rel = f"many/m{i:05d}.joblib"
        if model is not None:  # a distinct model each time (k differs), saved the way users save them
            model.set_params(kneighborsclassifier__n_neighbors=1 + i % 9)
            buffer = io.BytesIO()
            joblib.dump(model, buffer)
            data = buffer.getvalue()
        else:
            data = source + str(i).encode()
        if artefact_files:
            (repo / rel).write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        card = base.card
        parents = []
        if made and rng.random() < 0.33:
            p_path, p_card, p_sha = rng.choice(made)
            parents = (
                [
                    card.parents[0].model_copy(
                        update={
                            "name": p_path.rsplit("/", 1)[-1],
                            "path": p_path,
                            "card_sha256": p_card,
                            "sha256": p_sha,
                        }
                    )
                ]
                if card.parents
                else []
            )
        new = card.model_copy(
            update={
                "artefact": card.artefact.model_copy(
                    update={"name": rel.rsplit("/", 1)[-1], "sha256": digest, "size": len(data)}
                ),
                "parents": parents or card.parents,
            }
        )
        env = dsse.sign_envelope(PAYLOAD_TYPE, statement_bytes(build.statement_for(new)), key)
        raw = (json.dumps(env, indent=2) + "\n").encode()
        (repo / f"{rel}.prov.json").write_bytes(raw)
        made.append((rel, hashlib.sha256(raw).hexdigest(), digest))
    return [m[0] for m in made]


def read_all(repo: Path) -> float:
    """What a query costs without the index: read and parse every card."""
    from provenance.card.files import read_signed_card

    t = time.perf_counter()
    for p in repo.rglob("*.prov.json"):
        if ".prov" not in p.parts:
            read_signed_card(p.read_bytes())
    return time.perf_counter() - t


def rows(
    quick: bool = False, *, cards: int | None = None, models: int | None = None, n_rows: int | None = None
) -> list[Row]:
    cards = cards or (200 if quick else 5000)
    models = models or (10 if quick else 100)
    n_rows = n_rows or 10
    if models < 3:
        raise SystemExit("--models must be at least 3 (the repository's own models on patients)")
    saved_home = os.environ.get("PROV_HOME")
    try:
        return _rows(cards, models, n_rows, 3 if quick else 5)
    finally:  # make_repo points this process's PROV_HOME at the temporary directory
        if saved_home is None:
            os.environ.pop("PROV_HOME", None)
        else:
            os.environ["PROV_HOME"] = saved_home


def _rows(cards: int, models: int, n_rows: int, rounds: int) -> list[Row]:
    def note(text: str) -> None:
        print(f"bench_governance: {text}", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="prov-bench-gov-") as tmp:
        base = Path(tmp)
        repo, home = make_repo(base)
        template = shutil.copytree(repo, base / "template", symlinks=True)

        # --- --affected-by over many cards --------------------------------------------------------
        sign_many(repo, cards, "gen2/finetuned.joblib", artefact_files=False)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        shutil.rmtree(repo / ".prov" / "cache", ignore_errors=True)
        cold, r = prov(repo, home, "lineage", "--affected-by", "iris-public", "--json")
        if r.returncode != 0:
            raise SystemExit(f"prov lineage --affected-by exited {r.returncode}: {r.stderr[-600:]}")
        found = len(json.loads(r.stdout)["artefacts"])
        warm = min(prov(repo, home, "lineage", "--affected-by", "iris-public", "--json")[0] for _ in range(3))
        few = min(prov(repo, home, "lineage", "--affected-by", "patients")[0] for _ in range(3))
        baseline = min(read_all(repo) for _ in range(2))
        t_pass, start = median_interleaved(
            [bare_python(), command([sys.executable, "-m", "provenance", "--version"], cwd=repo)], rounds
        )
        n = cards + 7
        note(
            f"--affected-by over {n} cards ({found} affected): cold index "
            f"{(cold - start) / n * 1e3:.2f} ms per card past start-up"
        )

        # --- erasure of some rows against many models ------------------------------------------------
        repo2 = template
        sign_many(repo2, models - 3, "gen1/knn.joblib", artefact_files=True, seed=2)
        lines = (repo2 / "data" / "patients-train.csv").read_text().splitlines()
        records = base / "records.csv"
        records.write_text("\n".join([lines[0], *lines[1 : 1 + n_rows]]) + "\n")
        carded = len(list((repo2 / "many").glob("*.prov.json"))) + 3
        t, r = prov(repo2, home, "erasure", "--dataset", "patients", "--records", str(records), "--json")
        if r.returncode not in (0, 1):
            raise SystemExit(f"prov erasure exited {r.returncode}: {r.stderr[-600:]}")
        report = json.loads(r.stdout)
        held = sum(1 for f in report["findings"] if f["rows_held"])
        judged = len(report["findings"])
        note(
            f"erasure: {judged} models judged ({carded} carded on patients), {held} hold some of the rows; "
            f"{(t - start) / judged * 1e3:.1f} ms per model past start-up"
        )
    every = "read+parse every card (in process)"
    return [
        Row(f"prov lineage --affected-by, {n:,} cards, cold index", cold, "s", every, baseline),
        Row(f"prov lineage --affected-by, {n:,} cards, warm index", warm, "s", every, baseline),
        Row("prov lineage --affected-by, warm, a dataset 3 artefacts derive from", few, "s", every, baseline),
        Row("prov --version (python -m provenance start-up)", start, "s", "python -c pass", t_pass),
        Row(f"prov erasure, {n_rows} rows against {judged} models", t, "s"),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cards", type=int, default=None, help="default 5000 (--quick: 200)")
    ap.add_argument("--models", type=int, default=None, help="default 100 (--quick: 10)")
    ap.add_argument("--rows", type=int, default=None, help="rows to erase, default 10")
    ap.add_argument("--quick", action="store_true", help="a smoke run at small sizes")
    args = ap.parse_args()
    result = rows(args.quick, cards=args.cards, models=args.models, n_rows=args.rows)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
