"""`prov lineage` (issue 12, first part): ancestry through signed cards, each node checked now."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
from tools import need

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "lineage.schema.json"


def _family(project: Path, prov) -> None:  # type: ignore[no-untyped-def]
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    shutil.copy(project / "model.joblib", project / "child.joblib")
    assert prov("card", "child.joblib", "--parent", "model.joblib", "--dataset", "patients-2024").code == 0


def test_lineage_in_every_format(project: Path, prov) -> None:
    _family(project, prov)
    r = prov("lineage", "child.joblib")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("child.joblib (LicenseRef-Acme-DUA, confidential) [✓ verified]")
    assert any("finetune: model.joblib" in line for line in lines)
    assert sum("dataset patients-2024 v3 (Acme Hospital" in line for line in lines) == 2
    r = prov("lineage", "child.joblib", "--json")
    data = json.loads(r.out)
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert data["root"] == "artefact:child.joblib"
    assert {e["relation"] for e in data["edges"]} == {"train", "finetune"}
    assert {n["state"] for n in data["nodes"]} == {"verified"}
    dot = prov("lineage", "child.joblib", "--format", "dot").out
    assert dot.startswith("digraph lineage {") and '"artefact:model.joblib" -> "artefact:child.joblib"' in dot
    subprocess.run([need("dot", "graphviz"), "-Tsvg"], input=dot, text=True, check=True, capture_output=True)
    mermaid = prov("lineage", "child.joblib", "--format", "mermaid").out
    assert mermaid.startswith("flowchart BT") and mermaid.count("-->") == 3


def test_lineage_marks_what_changed_since_signing(project: Path, prov) -> None:
    _family(project, prov)
    # The parent re-signed after the child was signed: the child's card no longer names that card.
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    r = prov("lineage", "child.joblib", "--json")
    states = {n["id"]: (n["state"], n["detail"]) for n in json.loads(r.out)["nodes"]}
    assert r.code == 1 and states["artefact:model.joblib"] == ("changed", "re-signed since the child was signed")
    # The parent's bytes changed; the dataset's manifest changed.
    (project / "model.joblib").write_bytes((project / "model.joblib").read_bytes() + b"x")
    manifest = project / ".prov" / "datasets" / "patients-2024.yaml"
    manifest.write_text(manifest.read_text() + "\n# edited\n")
    nodes = json.loads(prov("lineage", "child.joblib", "--json").out)["nodes"]
    states = {n["id"]: n["state"] for n in nodes}
    assert states == {
        "artefact:child.joblib": "verified",
        "artefact:model.joblib": "changed",
        "dataset:patients-2024@3": "changed",
    }
    manifest.unlink()
    (project / "model.joblib").unlink()
    r = prov("lineage", "child.joblib")
    assert r.code == 1 and "[✗ missing: not in this repository]" in r.out and "[✗ missing: no manifest" in r.out


def test_lineage_names_cannot_forge_lines_or_nodes(project: Path, prov) -> None:
    name = 'evil"\n] -> x [label="pwn.joblib'
    shutil.copy(project / "model.joblib", project / name)
    assert prov("card", name, "--dataset", "patients-2024").code == 0
    tree = prov("lineage", name).out
    assert len(tree.splitlines()) == 2
    dot = prov("lineage", name, "--format", "dot").out
    assert len(dot.splitlines()) == 7  # header (3), two nodes, one edge, "}": the name stays in its quotes
    svg = subprocess.run([need("dot", "graphviz"), "-Tsvg"], input=dot, text=True, check=True, capture_output=True)
    assert svg.stdout.count('class="edge"') == 1
    mermaid = prov("lineage", name, "--format", "mermaid").out
    assert mermaid.count("\n") == 4


def _gitpython_code_provenance(start: Path, exclude: list[Path]) -> object:
    """The code provenance as GitPython read it before `prov card` stopped importing it: the oracle."""
    import hashlib

    import git

    from provenance.lineage.code import strip_credentials
    from provenance.model.card import Code

    try:
        repo = git.Repo(start if start.is_dir() else start.parent, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    with repo:
        remotes = {r.name: r for r in repo.remotes}
        remote = remotes.get("origin") or next(iter(remotes.values()), None)
        urls = list(remote.urls) if remote is not None else []
        remote_url = strip_credentials(urls[0]) if urls else None
        try:
            commit = repo.head.commit.hexsha
        except ValueError:
            commit = None
        branch = None if repo.head.is_detached else repo.active_branch.name
        top = Path(repo.working_tree_dir or start).resolve()
        excludes = [
            f":(exclude){p.resolve().relative_to(top).as_posix()}" for p in exclude if top in p.resolve().parents
        ]
        diff = b""
        if commit is not None:
            diff = repo.git.diff("HEAD", "--binary", "--no-color", "--", ".", *excludes, stdout_as_string=False)
        dirty = bool(diff.strip())
        return Code(
            remote=remote_url,
            commit=commit,
            branch=branch,
            dirty=dirty,
            diff_sha256=hashlib.sha256(diff).hexdigest() if dirty else None,
        )


def test_code_provenance_reads_what_gitpython_read(tmp_path: Path) -> None:
    """The card's code section comes from five `git` calls; in every repository state it must be what
    GitPython said: no commits yet, clean, dirty (text, binary, a new file staged, an excluded file),
    on a branch with a slash, detached, remotes with credentials, several remotes and none named origin."""
    from conftest import git

    from provenance.lineage.code import code_provenance

    repo = tmp_path / "r"
    sub = repo / "models" / "deep"
    sub.mkdir(parents=True)
    model = sub / "model.joblib"
    card = sub / "model.joblib.prov.json"
    outside = tmp_path / "elsewhere.bin"
    outside.write_bytes(b"x")
    exclude = [model, card, outside]

    def same(label: str) -> None:
        ours, theirs = code_provenance(model, exclude), _gitpython_code_provenance(model, exclude)
        assert ours == theirs, label

    assert code_provenance(tmp_path / "elsewhere.bin", []) is None  # not in a repository
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@e"), git(repo, "config", "user.name", "T")
    model.write_bytes(b"\x00weights")
    same("no commits yet")
    (repo / "train.py").write_text("print('train')\n")
    git(repo, "add", "train.py")
    git(repo, "commit", "-q", "--no-verify", "-m", "one")
    same("clean, untracked artefact")
    (repo / "train.py").write_text("print('train harder')\n")
    same("dirty text")
    (repo / "blob.bin").write_bytes(bytes(range(256)))
    git(repo, "add", "blob.bin")
    same("a binary file staged")
    card.write_text("{}")
    git(repo, "add", "-f", str(card))
    same("only an excluded file changed besides")
    git(repo, "commit", "-q", "--no-verify", "-am", "two")
    git(repo, "checkout", "-q", "-b", "feature/x-1")
    same("a branch with a slash")
    git(repo, "remote", "add", "zeta", "https://user:secret@example.org/a/b.git")
    same("one remote, not origin, with credentials")
    git(repo, "remote", "add", "alpha", "https://example.org/alpha.git")
    same("several remotes, none origin: the first configured, not the first alphabetically")
    git(repo, "config", "url.https://rewritten.example/.insteadOf", "gh:")
    git(repo, "remote", "set-url", "zeta", "gh:team/zeta.git")
    same("a URL rewritten by insteadOf")
    git(repo, "remote", "add", "origin", "git@example.org:team/repo.git")
    same("origin among several remotes")
    git(repo, "checkout", "-q", "--detach")
    same("detached head")
    assert code_provenance(model, exclude).branch is None  # type: ignore[union-attr]
    odd = tmp_path / "a\nnewline"
    git(tmp_path, "clone", "-q", str(repo), str(odd))
    model, card = odd / "models" / "deep" / "model.joblib", odd / "models" / "deep" / "model.joblib.prov.json"
    exclude = [model, card]
    same("a newline in the repository's path")


def _dirty_repo(tmp_path: Path) -> Path:
    from conftest import git

    repo = tmp_path / "d"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@e"), git(repo, "config", "user.name", "T")
    (repo / "train.py").write_text("print(1)\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "--no-verify", "-m", "c")
    (repo / "train.py").write_text("print('changed after the commit')\n")
    return repo


def test_a_companion_that_is_a_link_to_the_tree_hides_no_change(tmp_path: Path) -> None:
    """Attacker's case: `m.joblib.card.md -> .` made the excluded path the whole tree (":(exclude).")."""
    from provenance.lineage.code import code_provenance

    repo = _dirty_repo(tmp_path)
    (repo / "m.joblib").write_bytes(b"w")
    (repo / "m.joblib.card.md").symlink_to(".", target_is_directory=True)
    (repo / "weights").symlink_to(".", target_is_directory=True)
    for artefact, exclude in ((repo / "m.joblib", [repo / "m.joblib", repo / "m.joblib.card.md"]),
                              (repo / "weights", [repo / "weights"])):  # fmt: skip
        code = code_provenance(artefact, exclude)
        assert code is not None and code.dirty and code.diff_sha256, artefact.name


def test_an_artefact_named_like_a_pattern_excludes_only_itself(tmp_path: Path) -> None:
    from provenance.lineage.code import code_provenance

    repo = _dirty_repo(tmp_path)
    (repo / "t*").write_bytes(b"w")  # as a pathspec pattern it would also match train.py
    code = code_provenance(repo / "t*", [repo / "t*"])
    assert code is not None and code.dirty


def test_remote_credentials_never_reach_the_card(tmp_path: Path) -> None:
    from conftest import git

    from provenance.lineage.code import code_provenance

    cases = {
        "https://user:SECRET@host:abc/x.git": "https://host:abc/x.git",  # a port that does not parse
        "https://host/x.git?access_token=SECRET#SECRET": "https://host/x.git",
        "user:SECRET@host:team/x.git": "user@host:team/x.git",
        "https://SECRET@[::1]:8443/x.git": "https://[::1]:8443/x.git",
        "git@example.org:team/x.git": "git@example.org:team/x.git",
        "https://example.org/x.git": "https://example.org/x.git",
    }
    repo = _dirty_repo(tmp_path)
    for url, shown in cases.items():
        git(repo, "remote", "add", "origin", url)
        code = code_provenance(repo / "train.py", [])
        assert code is not None and code.remote == shown, url
        git(repo, "remote", "remove", "origin")


def test_origin_in_an_included_configuration_file_is_origin(tmp_path: Path) -> None:
    from conftest import git

    from provenance.lineage.code import code_provenance

    repo = _dirty_repo(tmp_path)
    git(repo, "remote", "add", "zeta", "https://example.org/zeta.git")
    (repo / ".git" / "extra").write_text('[remote "origin"]\n\turl = https://example.org/origin.git\n')
    git(repo, "config", "include.path", "extra")
    code = code_provenance(repo / "train.py", [])
    assert code is not None and code.remote == "https://example.org/origin.git"
    assert code == _gitpython_code_provenance(repo / "train.py", [])
