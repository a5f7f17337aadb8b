"""The hooks through the real pre-commit tool: `git commit` in temporary repositories.

pre-commit installs prov from this source tree (HEAD) into its own environment once per test session,
exactly as users get it from `.pre-commit-config.yaml`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import git

SRC = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _tool() -> str:
    exe = Path(sys.executable).parent / "pre-commit"
    if exe.exists():
        return str(exe)
    found = shutil.which("pre-commit")
    if not found:
        pytest.skip("pre-commit is not installed")
    return found


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (SRC / ".git").exists():
        pytest.skip("the hook is installed from this git checkout; not a checkout")
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def hooked(project: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=SRC, capture_output=True, text=True, check=True).stdout
    config = {
        "repos": [{"repo": str(SRC), "rev": rev.strip(), "hooks": [{"id": "prov-check"}, {"id": "prov-datasets"}]}]
    }
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    subprocess.run([_tool(), "install"], cwd=project, check=True, capture_output=True)
    git(project, "add", ".pre-commit-config.yaml", ".prov", "patients-2024.yaml")
    git(project, "commit", "-q", "--no-verify", "-m", "setup")
    return project


def commit(repo: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    """`git commit` with the installed hook; stdout carries everything pre-commit printed."""
    if paths:
        git(repo, "add", *paths)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["git", "commit", "-m", "change"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )


def test_manifest_is_valid_for_pre_commit() -> None:
    r = subprocess.run(
        [_tool(), "validate-manifest", str(SRC / ".pre-commit-hooks.yaml")], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stdout


def test_commits_through_pre_commit(hooked: Path, prov, trained) -> None:
    repo = hooked
    # an unsigned artefact is blocked
    r = commit(repo, "model.joblib")
    assert r.returncode == 1 and "CARD_MISSING" in r.stdout, r.stdout
    # signed: passes
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    r = commit(repo, "model.joblib", "model.joblib.prov.json")
    assert r.returncode == 0, r.stdout
    # changed after signing: blocked
    (repo / "model.joblib").write_bytes((repo / "model.joblib").read_bytes() + b"\0")
    r = commit(repo, "model.joblib")
    assert r.returncode == 1 and "DIGEST_MISMATCH" in r.stdout
    # unstaged edits do not fool the check
    git(repo, "checkout", "HEAD", "--", "model.joblib")  # index and worktree back to the signed bytes
    signed_bytes = (repo / "model.joblib").read_bytes()
    (repo / "model.joblib").write_bytes(signed_bytes + b"tampered")
    git(repo, "add", "model.joblib")
    (repo / "model.joblib").write_bytes(signed_bytes)  # staged: tampered; working tree: signed
    r = commit(repo)
    assert r.returncode == 1 and "DIGEST_MISMATCH" in r.stdout, r.stdout
    git(repo, "checkout", "HEAD", "--", "model.joblib")
    shutil.copy(trained["logreg"], repo / "second.joblib")
    assert prov("card", "second.joblib", "--dataset", "patients-2024").code == 0
    git(repo, "add", "second.joblib", "second.joblib.prov.json")
    (repo / "second.joblib").write_bytes(b"tampered after staging, not staged")  # staged: signed
    r = commit(repo)
    assert r.returncode == 0, r.stdout
    git(repo, "checkout", "HEAD", "--", "second.joblib")
    # a card signed by a key the repository does not trust: blocked
    shutil.copy(trained["knn"], repo / "other.joblib")
    assert prov("key", "generate", "--name", "stranger").code == 0
    from provenance.store.userkeys import public_path

    assert prov("key", "trust", public_path("stranger"), "--name", "stranger").code == 0
    assert prov("card", "other.joblib", "--dataset", "patients-2024", "--key-name", "stranger").code == 0
    (repo / ".prov" / "keys" / "stranger.pub").unlink()
    r = commit(repo, "other.joblib", "other.joblib.prov.json")
    assert r.returncode == 1 and "KEY_UNTRUSTED" in r.stdout
    git(repo, "reset", "-q")


def test_audience_decides_for_artefacts_and_dataset_files(hooked: Path, prov) -> None:
    repo = hooked
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    cfg = repo / ".prov" / "config.yaml"
    data = yaml.safe_load(cfg.read_text())
    data["repository"]["audience"] = "public"
    cfg.write_text(yaml.safe_dump(data))
    git(repo, "commit", "-q", "--no-verify", "-am", "public now")
    r = commit(repo, "model.joblib", "model.joblib.prov.json")
    assert r.returncode == 1 and "CONFIDENTIALITY_AUDIENCE" in r.stdout
    git(repo, "reset", "-q")
    r = commit(repo, "data/patients.csv")
    assert r.returncode == 1 and "CONFIDENTIALITY_AUDIENCE" in r.stdout and "data/patients.csv" in r.stdout
    git(repo, "reset", "-q")
    data["repository"]["audience"] = "internal"
    cfg.write_text(yaml.safe_dump(data))
    git(repo, "commit", "-q", "--no-verify", "-am", "internal again")
    r = commit(repo, "model.joblib", "model.joblib.prov.json", "data/patients.csv")
    assert r.returncode == 0, r.stdout


def test_malicious_pickle_blocked_and_never_executed(hooked: Path, tmp_path: Path) -> None:
    from pickle_corpus import build

    canary = tmp_path / "CANARY"
    files = build(tmp_path / "evil", canary)
    shutil.copy(files["object_array_after_numeric_c3.joblib"], hooked / "evil.joblib")
    r = commit(hooked, "evil.joblib")
    assert r.returncode == 1 and "UNSAFE_PICKLE" in r.stdout
    assert not canary.exists()


def test_issue_10_reproductions_through_a_real_commit(hooked: Path, prov, trained) -> None:
    """The commit-time cases of issue 10, through `git commit` with the installed hook."""
    repo = hooked
    cfg = repo / ".prov" / "config.yaml"
    data = yaml.safe_load(cfg.read_text())
    data["repository"]["audience"] = "public"
    cfg.write_text(yaml.safe_dump(data))
    git(repo, "commit", "-q", "--no-verify", "-am", "public now")
    # an uncarded model under an upper-case name
    shutil.copy(trained["logreg"], repo / "MODEL.JOBLIB")
    r = commit(repo, "MODEL.JOBLIB")
    assert r.returncode == 1 and "CARD_MISSING" in r.stdout, r.stdout
    git(repo, "rm", "-q", "--cached", "MODEL.JOBLIB")
    # a byte-identical copy of the confidential data file under a new name
    shutil.copy(repo / "data" / "patients.csv", repo / "notes.txt")
    r = commit(repo, "notes.txt")
    assert r.returncode == 1 and "CONFIDENTIALITY_AUDIENCE" in r.stdout, r.stdout
    git(repo, "rm", "-q", "--cached", "notes.txt")
    # a manifest saved as .yml, with the confidential file it lists
    manifest = yaml.safe_load((repo / "patients-2024.yaml").read_text())
    manifest.update(name="health", files=[{"path": "data/health.csv"}])
    (repo / "data" / "health.csv").write_text("age,diagnosis\n70,1\n")
    (repo / ".prov" / "datasets" / "health.yml").write_text(yaml.safe_dump(manifest))
    r = commit(repo, ".prov/datasets/health.yml", "data/health.csv")
    assert r.returncode == 1 and "CONFIDENTIALITY_AUDIENCE" in r.stdout, r.stdout
    git(repo, "reset", "-q")


def test_directory_artefacts_and_resigned_parents_through_a_real_commit(hooked: Path, prov, trained) -> None:
    repo = hooked
    d = repo / "mdir"
    d.mkdir()
    shutil.copy(trained["logreg"], d / "model.joblib")
    (d / "config.json").write_text("{}\n")
    assert prov("card", "mdir", "--dataset", "patients-2024").code == 0
    r = commit(repo, "mdir", "mdir.prov.json", "mdir.card.md")
    assert r.returncode == 0, r.stdout  # a carded directory commits
    (d / "config.json").write_text('{"changed": 1}\n')
    r = commit(repo, "mdir/config.json")
    assert r.returncode == 1 and "DIGEST_MISMATCH" in r.stdout, r.stdout
    git(repo, "checkout", "HEAD", "--", "mdir")
    # a child whose parent was re-signed after it
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    shutil.copy(trained["knn"], repo / "child.joblib")
    assert prov("card", "child.joblib", "--parent", "model.joblib").code == 0
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    r = commit(repo, "model.joblib", "model.joblib.prov.json", "child.joblib", "child.joblib.prov.json")
    assert r.returncode == 1 and "PARENT_UNVERIFIED" in r.stdout, r.stdout


def test_links_and_deletions_reach_the_hook(hooked: Path, prov) -> None:
    """Found by the attacker: pre-commit passes neither symbolic links (its default `types: [file]`) nor
    deleted paths, so a linked artefact committed beside a README, or a commit deleting a card, passed."""
    repo = hooked
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    assert commit(repo, "model.joblib", "model.joblib.prov.json").returncode == 0
    (repo / "evil.joblib").symlink_to("model.joblib")
    (repo / "README.md").write_text("hello\n")
    r = commit(repo, "evil.joblib", "README.md")
    assert r.returncode == 1 and "evil.joblib" in r.stdout, r.stdout
    git(repo, "reset", "-q", "HEAD", "evil.joblib")
    (repo / "evil.joblib").unlink()
    assert commit(repo, "README.md").returncode == 0
    git(repo, "rm", "-q", "model.joblib.prov.json")
    r = commit(repo)
    assert r.returncode == 1 and "CARD_MISSING" in r.stdout, r.stdout
