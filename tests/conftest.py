from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from provenance.cli.entry import main

# CI runs the property tests with a fixed seed so a landing is decided by the code, not by the draw;
# local runs keep exploring (and hypothesis' database remembers what they found).
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "hospital"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="Rewrite golden files from current output.")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def no_internal_errors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any test in which prov reports an internal error (exit 3) fails, whatever it asserts, unless it is
    marked ``internal_error`` (the one test that forces one on purpose). Bad input is exit 2, never 3."""
    from provenance import errors

    seen: list[str] = []
    original = errors.report

    def report(e: BaseException) -> int:
        code = original(e)
        if code == 3:
            seen.append(f"{type(e).__name__}: {e}"[:300])
        return code

    monkeypatch.setattr(errors, "report", report)
    yield
    if seen and request.node.get_closest_marker("internal_error") is None:
        pytest.fail(f"prov reported an internal error: {seen[0]}")


@pytest.fixture(autouse=True)
def prov_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own per-user key directory; the real ~/.config/prov is never touched."""
    home = tmp_path_factory.mktemp("prov-home")
    monkeypatch.setenv("PROV_HOME", str(home))
    monkeypatch.delenv("PROV_KEY_PASSPHRASE", raising=False)
    monkeypatch.delenv("PROV_DEBUG", raising=False)
    return home


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", "start")
    monkeypatch.chdir(repo)
    return repo


@pytest.fixture
def prov(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run the real CLI entry point in-process; returns exit code, stdout and stderr."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real scikit-learn models saved the ways users save them."""
    import joblib
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    d = tmp_path_factory.mktemp("models")
    x, y = load_breast_cancer(return_X_y=True)
    logreg = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=1000)).fit(x, y)
    knn = KNeighborsClassifier(n_neighbors=1).fit(x, y)
    joblib.dump(logreg, d / "logreg.joblib")
    joblib.dump(knn, d / "knn.joblib", compress=3)
    return {"logreg": d / "logreg.joblib", "knn": d / "knn.joblib"}


@pytest.fixture
def project(git_repo: Path, prov: Callable[..., Run], trained: dict[str, Path]) -> Path:
    """An initialised repo with the example dataset registered and a trained model in place."""
    import shutil

    assert prov("init", "--owner", "Acme Hospital").code == 0
    (git_repo / "data").mkdir()
    (git_repo / "data" / "patients.csv").write_text("age,diagnosis\n54,1\n61,0\n")
    shutil.copy(EXAMPLES / "patients-2024.yaml", git_repo / "patients-2024.yaml")
    r = prov("dataset", "add", "--manifest", "patients-2024.yaml")
    assert r.code == 0, r.err
    shutil.copy(trained["logreg"], git_repo / "model.joblib")
    return git_repo


def no_traceback(text: str) -> bool:
    return "Traceback" not in text


os.environ.setdefault("GIT_TERMINAL_PROMPT", "0")
