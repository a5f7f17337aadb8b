"""The CLI fuzz driver (issue 11): random argument vectors for every command and option, against a
real project whose files may first be damaged, each run in a forked child.

Shared by ``tests/test_cli_fuzz.py`` (a fixed seed, a few hundred examples in CI) and
``benchmarks/fuzz_cli.py`` (a longer run). The properties, for every run:

- the child exits 0, 1 or 2: never 3 (prov's own bug), never a signal, never an exception that
  escapes ``main``;
- nothing it prints holds a traceback or an unprintable character (every line stays one line);
  exit 2 prints exactly one line on stderr; ``--json`` prints JSON on stdout;
- no file changed outside the command's declared outputs (its card, its bundle, its key, the ledger,
  the digest cache), anywhere under the scratch directory that holds the project and ``PROV_HOME``.

The command table is read from click, so a new command or option is fuzzed without touching this
file. Values are drawn per option name where prov gives the name a meaning (``--territory``,
``--metric``, ``--dataset``...) and per click type otherwise; paths come from a fixed menu of things a
path can be (file, directory, symlink, dangling, missing, too long, with control characters, inside
``.prov/``...), all relative, so a run can never write outside its scratch directory.
"""

from __future__ import annotations

import base64
import dataclasses
import fnmatch
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from hypothesis import strategies as st

# ----------------------------------------------------------------------------------------------
# The command table, from click


@dataclasses.dataclass(frozen=True)
class Param:
    name: str  # the option's long name ("--territory") or the argument's name ("artefact")
    opt: str | None  # what to type (None for an argument)
    kind: str  # flag, choice, path, float, datetime, text
    multiple: bool
    choices: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Command:
    path: tuple[str, ...]  # ("dataset", "add")
    params: tuple[Param, ...]

    @property
    def label(self) -> str:
        return " ".join(self.path)


def commands() -> list[Command]:
    from provenance.cli.main import cli

    out: list[Command] = []

    def walk(cmd: click.Command, path: tuple[str, ...]) -> None:
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                walk(sub, (*path, name))
            return
        params = []
        for p in cmd.params:
            t = p.type
            kind = (
                "flag"
                if isinstance(p, click.Option) and p.is_flag
                else "choice"
                if isinstance(t, click.Choice)
                else "path"
                if isinstance(t, click.Path)
                else "float"
                if isinstance(t, click.types.FloatParamType)
                else "datetime"
                if isinstance(t, click.DateTime)
                else "text"
            )
            choices = tuple(str(c) for c in t.choices) if isinstance(t, click.Choice) else ()
            if isinstance(p, click.Option):
                long = max(p.opts, key=len)
                params.append(Param(long, long, kind, bool(p.multiple), choices))
            else:
                params.append(Param(str(p.name), None, kind, p.nargs == -1, choices))
        out.append(Command(path, tuple(params)))

    walk(cli, ())
    return out


# ----------------------------------------------------------------------------------------------
# The project every example starts from

LONG = "m" * 300 + ".joblib"  # past any file system's name limit
LONG_CARDLESS = "m" * 243 + ".joblib"  # exists, but its card's name would not fit
CTRL = "ctrl\nOK model.joblib\x1b[2J.joblib"  # a name that tries to forge an output line

PATHS = [
    "model.joblib",
    "knn.joblib",
    "mdir",
    "mdir/w.joblib",
    "model.joblib.prov.json",
    "model.joblib.card.md",
    "patients-2024.yaml",
    "train.csv",
    "holdout.csv",
    "train.parquet",
    "junk.bin",
    "bundle",
    "bundle/export.prov.json",
    "recipient.yaml",
    "signer.pub",
    "link.joblib",
    "dangling",
    "loop",
    "missing.joblib",
    LONG,
    LONG_CARDLESS,
    CTRL,
    ".prov",
    ".prov/x",
    ".prov/config.yaml",
    ".prov/keys/default.pub",
    ".",
    "",
    "data",
    "data/patients.csv",
    "model.joblib/sub",
    "../outside",
    "out",
    "out/sub",
    "mdir/out",
    "/dev/null",
]
OUTPUTS = [
    "out",
    "out/sub",
    "mdir/out",
    ".prov/x",
    "bundle",
    "model.joblib",
    "model.joblib/sub",
    "dangling",
    "loop",
    "../outside",
    CTRL,
]


ALLOWED = ["--recipient", "Team", "--org", "Acme Hospital", "--purpose", "research", "--territory", "DE"]


def build_template(root: Path, home: Path) -> None:
    """A real project: git repo, keys, a dataset, a signed file and directory artefact, a bundle,
    audit tables, and the odd names a fuzzer should meet. Built once, copied per example."""
    import joblib
    import numpy as np
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from provenance.cli.entry import main

    root.mkdir(parents=True)
    home.mkdir(parents=True)
    os.environ["PROV_HOME"] = str(home)
    here = os.getcwd()
    os.chdir(root)
    try:
        for args in (
            ["init", "-q", "-b", "main"],
            ["config", "user.email", "t@example.com"],
            ["config", "user.name", "T"],
        ):
            subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

        def prov(*args: str) -> None:
            with _quiet():
                code = main(list(args))
            assert code == 0, (args, code)

        prov("init", "--owner", "Acme Hospital")
        (root / "data").mkdir()
        x, y = load_breast_cancer(return_X_y=True)
        header = ",".join([f"f{i}" for i in range(x.shape[1])] + ["diagnosis"])
        np.savetxt(root / "data" / "patients.csv", np.c_[x[:80], y[:80]], delimiter=",", header=header, comments="")
        np.savetxt(root / "train.csv", np.c_[x[:60], y[:60]], delimiter=",", header=header, comments="", fmt="%.8g")
        np.savetxt(root / "holdout.csv", np.c_[x[300:360], y[300:360]], delimiter=",", header=header, comments="")
        import pandas as pd

        frame = pd.DataFrame(np.c_[x[:60], y[:60]], columns=header.split(","))
        frame.to_parquet(root / "train.parquet")
        manifest = Path(__file__).resolve().parent.parent / "examples" / "hospital" / "patients-2024.yaml"
        shutil.copy(manifest, root / "patients-2024.yaml")
        prov("dataset", "add", "--manifest", "patients-2024.yaml")
        joblib.dump(
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(x[:60], y[:60]), "model.joblib"
        )
        joblib.dump(KNeighborsClassifier(n_neighbors=1).fit(x[:60], y[:60]), "knn.joblib")
        (root / "mdir").mkdir()
        shutil.copy("model.joblib", "mdir/w.joblib")
        prov("card", "model.joblib", "--dataset", "patients-2024")
        prov("card", "mdir", "--dataset", "patients-2024")
        prov("export", "model.joblib", "--to", "bundle", *ALLOWED)
        prov("key", "export", "default", "-o", "signer.pub")
        (root / "recipient.yaml").write_text("name: Team\norg: Acme Hospital\npurpose: research\nterritory: DE\n")
        (root / "junk.bin").write_bytes(bytes(range(256)))
        os.symlink("model.joblib", "link.joblib")
        os.symlink("nowhere", "dangling")
        os.symlink("loop", "loop")
        shutil.copy("model.joblib", LONG_CARDLESS)
        shutil.copy("model.joblib", CTRL)
        subprocess.run(["git", "add", "-A"], cwd=root, check=True, capture_output=True)
        subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "start"], cwd=root, check=True, capture_output=True)
        (root / "model.joblib").write_bytes((root / "knn.joblib").read_bytes())  # a staged change to judge
        subprocess.run(["git", "add", "model.joblib"], cwd=root, check=True, capture_output=True)
    finally:
        os.chdir(here)


class _quiet:
    def __enter__(self) -> None:
        import contextlib

        self._stack = contextlib.ExitStack()
        self._stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        self._stack.enter_context(contextlib.redirect_stderr(io.StringIO()))

    def __exit__(self, *exc: object) -> None:
        self._stack.close()


# ----------------------------------------------------------------------------------------------
# Values

_ODD_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF)
    | st.sampled_from("\n\r\t\x1b\x00\u202e"),
    max_size=24,
)
_TEXT = st.one_of(st.sampled_from(["", "x", " ", "Acme Hospital", "a" * 300, "é", "-x"]), _ODD_TEXT)

NAMED: dict[str, list[str]] = {
    "--dataset": ["patients-2024", "patients-2024@3", "patients-2024@4", f"patients-2024@sha256:{'0' * 64}", "nope"],
    "--metric": ["acc=0.9", "acc=nan", "acc=inf", "acc=-inf", "acc=1e999", "=1", "acc", "acc=", "a=b=c", "acc=x"],
    "--licence": ["MIT", "Apache-2.0", "MIT OR Apache-2.0", "LicenseRef-Acme-DUA", "NotALicence", "MIT AND (", "mit"],
    "--territory": ["DE", "de", "XX", "UK", "EU", "EEA", "US", "D", "DEU"],
    "--purpose": ["research", "commercial", "internal"],
    "--recipient": ["Team", "Data Science"],
    "--org": ["Acme Hospital", "Globex Pharma", "acme hospital"],
    "--owner": ["Acme Hospital", "Someone Else"],
    "--key-name": ["default", "k2", "../evil", "a" * 80],
    "--name": ["default", "k2", "../evil", "a" * 80, "patients-2024"],
    "key_ref": ["default", "k2", "nope", "00"],
    "--target": ["diagnosis", "f0", "nope"],
    "--category": ["health", "contact", "genetic"],
    "--legal-basis": ["consent", "contract", "legitimate_interests", "nope"],
    "--special-condition": ["explicit_consent", "nope"],
    "--url": ["https://data.example/x", "not a url"],
    "--licence-link": ["https://example.org/LICENSE", "LICENSE"],
    "--reason": ["leaked", ""],
    "--version": ["1", "3", "v2"],
    "name": ["patients-2024", "other", "nope", "../x"],
    "names": ["patients-2024", "nope"],
    "paths": PATHS,
    "--format": ["md", "html", "json", "pem", "ssh", "nope"],
}
_FLOATS = ["0.5", "1", "1e-5", "0", "-1", "nan", "inf", "-inf", "1e308", "1e999", "abc", ""]
_DATES = ["2026-01-01", "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "2026-01-01T00:00:00", "yesterday"]
_OUTPUT_PARAMS = {"--to", "--output", "directory"}


def value(param: Param) -> st.SearchStrategy[str]:
    if param.name in _OUTPUT_PARAMS:
        return st.sampled_from(OUTPUTS)
    if param.name in NAMED:
        return st.one_of(st.sampled_from(NAMED[param.name]), _TEXT)
    if param.kind == "choice":
        return st.one_of(st.sampled_from(param.choices), _TEXT)
    if param.kind == "path":
        return st.one_of(st.sampled_from(PATHS), _TEXT)
    if param.kind == "float":
        return st.one_of(st.sampled_from(_FLOATS), st.floats().map(repr))
    if param.kind == "datetime":
        return st.one_of(st.sampled_from(_DATES), _TEXT)
    return _TEXT


@st.composite
def argv(draw: Callable[..., Any], command: Command) -> tuple[list[str], bool]:
    """(arguments after the command path, whether --json was asked for)."""
    args: list[str] = []
    as_json = False
    for p in command.params:
        if p.kind == "flag":
            if draw(st.integers(0, 3)) == 0:
                args.append(p.opt or "")
                as_json |= p.name == "--json"
            continue
        count = draw(st.integers(0, 3)) if p.multiple else draw(st.sampled_from([0, 1, 1, 1]))
        for _ in range(count):
            v = draw(value(p))
            if p.opt is None:
                args.append(v)
            else:
                args += [p.opt, v]
    if draw(st.integers(0, 9)) == 0:
        args = draw(st.permutations(args))  # options in any order, arguments among them
    return list(args), as_json


# ----------------------------------------------------------------------------------------------
# Damage to the files prov reads

TARGETS = [
    ".prov/config.yaml",
    ".prov/datasets/patients-2024.yaml",
    ".prov/keys/default.pub",
    ".prov/keys/revocations.yaml",
    ".prov/ledger.jsonl",
    "model.joblib.prov.json",
    "mdir.prov.json",
    "train.csv",
    "holdout.csv",
    "train.parquet",
    "recipient.yaml",
    "patients-2024.yaml",
    "bundle/export.prov.json",
    "bundle/model.joblib.prov.json",
    "signer.pub",
    "model.joblib",
    "home:keys/default.key",
    "home:default-key",
]
_SIGNED = {"model.joblib.prov.json", "mdir.prov.json", "bundle/export.prov.json", "bundle/model.joblib.prov.json"}

_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    _TEXT,
    st.dates().map(str),
    st.sampled_from(["2026-02-30", "public", "restricted", "listed", "EU", "XX", "MIT", "patients-2024", "0" * 64]),
)
RANDOM_VALUE = st.recursive(
    _leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=12
)


@dataclasses.dataclass
class Damage:
    target: str
    how: str
    data: Any = None
    path: tuple[int, ...] = ()

    def __str__(self) -> str:
        return f"{self.how} {self.target!r}" + (f" with {self.data!r:.200}" if self.data is not None else "")


@st.composite
def damage(draw: Callable[..., Any]) -> Damage | None:
    if draw(st.integers(0, 2)) != 0:
        return None
    target = draw(st.sampled_from(TARGETS))
    hows = ["bytes", "yaml", "mutate", "truncate", "append", "remove"] + (["resign"] * 3 if target in _SIGNED else [])
    how = draw(st.sampled_from(hows))
    if how == "bytes":
        return Damage(target, how, draw(st.binary(max_size=200)))
    if how == "append":
        return Damage(target, how, draw(st.sampled_from([b"\n", b"{}\n", b"\xff\xfe\n", b"- x\n", b"a,b\n"])))
    if how == "truncate":
        return Damage(target, how, draw(st.floats(0, 1)))
    path = tuple(draw(st.lists(st.integers(0, 50), min_size=1, max_size=4)))
    return Damage(target, how, draw(RANDOM_VALUE), path)


def _mutate(doc: Any, path: tuple[int, ...], new: Any) -> Any:
    """Replace the subtree that ``path`` picks (each step: the n-th key or item, modulo) with ``new``."""
    if not path or not isinstance(doc, dict | list) or not doc:
        return new
    step, rest = path[0], path[1:]
    if isinstance(doc, dict):
        key = list(doc)[step % len(doc)]
        doc[key] = _mutate(doc[key], rest, new)
    else:
        i = step % len(doc)
        doc[i] = _mutate(doc[i], rest, new)
    return doc


def apply(d: Damage, root: Path, home: Path) -> None:
    import yaml

    path = home / d.target[5:] if d.target.startswith("home:") else root / d.target
    if d.how == "remove":
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        return
    old = path.read_bytes() if path.is_file() else b""
    path.parent.mkdir(parents=True, exist_ok=True)
    if d.how == "bytes":
        new = d.data
    elif d.how == "append":
        new = old + d.data
    elif d.how == "truncate":
        new = old[: int(len(old) * d.data)]
    elif d.how == "yaml":
        new = yaml.safe_dump(d.data, allow_unicode=True).encode("utf-8", "surrogatepass")
    elif d.how == "resign":
        new = _resigned(old, d, home)
    else:  # mutate a structured file in place, keeping it parseable so validation goes deeper
        try:
            if path.suffix == ".json" or path.name.endswith(".jsonl"):
                lines = old.splitlines() or [b"{}"]
                i = d.path[0] % len(lines)
                doc = _mutate(json.loads(lines[i]), d.path[1:], d.data)
                lines[i] = json.dumps(doc).encode()
                new = b"\n".join(lines) + b"\n"
            else:
                doc = _mutate(yaml.safe_load(old), d.path, d.data)
                new = yaml.safe_dump(doc, allow_unicode=True).encode("utf-8", "surrogatepass")
        except Exception:
            new = old + b"\n?"
    path.write_bytes(new)


def _resigned(old: bytes, d: Damage, home: Path) -> bytes:
    """A validly signed envelope whose payload was changed: validation past the signature check."""
    from provenance.crypto import dsse
    from provenance.crypto import keys as _keys

    try:
        env = json.loads(old)
        doc = json.loads(base64.b64decode(env["payload"]))
    except Exception:
        return old
    doc = _mutate(doc, d.path, d.data)
    payload = json.dumps(doc, sort_keys=True).encode("utf-8", "surrogatepass")
    key = _keys.load_private_pem((home / "keys" / "default.key").read_bytes(), None)
    return json.dumps(dsse.sign_envelope(env.get("payloadType", ""), payload, key)).encode()


# ----------------------------------------------------------------------------------------------
# Running one example and judging it


@dataclasses.dataclass
class Outcome:
    code: int | None
    signal: int | None
    out: bytes
    err: bytes


def run_forked(args: list[str], cwd: Path, home: Path, timeout: int = 120) -> Outcome:
    """``prov ARGS`` in a forked child: a crash or a signal is the child's, and no state survives it."""
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            _child(args, cwd, home, timeout, out_f.fileno(), err_f.fileno())
        _, status = os.waitpid(pid, 0)
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if os.WIFSIGNALED(status):
        return Outcome(None, os.WTERMSIG(status), out, err)
    return Outcome(os.WEXITSTATUS(status), None, out, err)


def _child(args: list[str], cwd: Path, home: Path, timeout: int, out_fd: int, err_fd: int) -> None:
    code = 99
    try:
        signal.alarm(timeout)  # a hang ends as SIGALRM, which the parent reports
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False), encoding="utf-8", errors="strict")  # noqa: SIM115
        sys.stderr = io.TextIOWrapper(open(2, "wb", closefd=False), encoding="utf-8", errors="strict")  # noqa: SIM115
        os.environ["PROV_HOME"] = str(home)
        os.environ.pop("PROV_DEBUG", None)
        os.environ.pop("PROV_KEY_PASSPHRASE", None)
        os.chdir(cwd)
        from provenance.cli.entry import main

        result = main(args)
        code = result if isinstance(result, int) else 98
    except SystemExit as e:
        code = 96
        print(f"SystemExit({e.code!r}) escaped main", file=sys.stderr)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 99
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def snapshot(top: Path) -> dict[str, tuple[str, str]]:
    """Every path under ``top``: (kind, content digest or link target). Git's own index is left out:
    git refreshes its stat cache on reads, which is not prov writing."""
    state: dict[str, tuple[str, str]] = {}
    for dirpath, dirnames, filenames in os.walk(top):
        rel_dir = os.path.relpath(dirpath, top)
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if os.path.islink(full):
                state[rel] = ("link", os.readlink(full))
            elif os.path.isdir(full):
                state[rel] = ("dir", "")
            else:
                with open(full, "rb") as f:
                    state[rel] = ("file", hashlib.sha256(f.read()).hexdigest())
    return state


ALWAYS = ["p/.prov/cache", "p/.prov/cache/*", "home", "home/cache.key", "p/.git/index", "p/.git/index.lock"]
WRITES: dict[str, list[str]] = {
    "init": ["{d}/.prov", "{d}/.prov/*", "home/keys", "home/keys/*", "home/default-key", "{d}", "{d}/.gitignore"],
    "key generate": ["home/keys", "home/keys/*", "home/default-key", "p/.prov/ledger.jsonl"],
    "key trust": ["p/.prov/keys", "p/.prov/keys/*", "home/trusted", "home/trusted/*", "p/.prov/ledger.jsonl"],
    "key revoke": ["p/.prov/keys", "p/.prov/keys/revocations.yaml", "p/.prov/ledger.jsonl"],
    "key export": ["{o}"],
    "key rotate": [
        "home/keys",
        "home/keys/*",
        "home/default-key",
        "p/.prov/keys",
        "p/.prov/keys/*",
        "p/.prov/ledger.jsonl",
        "p/*.prov.json",
        "p/*.card.md",
    ],
    "dataset add": ["p/.prov/datasets", "p/.prov/datasets/*", "p/.prov/ledger.jsonl"],
    "erasure": ["p/.prov/ledger.jsonl"],
    "status": ["{o}"],
    "dataset withdraw": ["p/.prov/withdrawals.jsonl", "p/.prov/ledger.jsonl"],
    "card": ["{a}.prov.json", "{a}.card.md", "p/.prov/ledger.jsonl", "{o}"],
    "export": ["{to}", "{to}/*", "p/.prov/ledger.jsonl"],
}


def allowed_changes(command: Command, args: list[str]) -> list[str]:
    """Glob patterns (over "p/..." for the project, "home/..." for PROV_HOME) the command may write."""
    values: dict[str, list[str]] = {}
    positional: list[str] = []
    opts = {p.opt for p in command.params if p.opt}
    flags = {p.opt for p in command.params if p.opt and p.kind == "flag"}
    i = 0
    while i < len(args):
        if args[i] in opts and args[i] not in flags and i + 1 < len(args):
            values.setdefault(args[i], []).append(args[i + 1])
            i += 2
        else:
            positional.append(args[i])
            i += 1

    out = list(ALWAYS)
    for pattern in WRITES.get(command.label, []):
        if "{a}" in pattern:
            for v in positional:
                out += [x + pattern[3:] for x in _literal(v)]
        elif "{o}" in pattern:
            for v in values.get("--output", []) + values.get("-o", []) + values.get("--html", []):
                out += _made(v)
        elif "{to}" in pattern:
            for v in values.get("--to", []):
                out += [x + pattern[4:] for x in _literal(v)] + _made(v)
        elif "{d}" in pattern:
            for v in positional or ["."]:
                out += [x + pattern[3:] for x in _literal(v)] + _made(v)
        else:
            out.append(pattern)
    return out


def _literal(v: str) -> list[str]:
    """A user's path as a glob over "p/...", with glob characters in it taken literally."""
    return [_escape(os.path.normpath(os.path.join("p", v)) if v else "p")]


def _made(v: str) -> list[str]:
    """An output path and the directories it lies in (prov makes them, as ``mkdir -p`` would)."""
    parts = Path(os.path.normpath(os.path.join("p", v)) if v else "p").parts
    return [_escape(os.path.join(*parts[:i])) for i in range(len(parts), 0, -1)]


def _escape(path: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in path)


def judge(command: Command, args: list[str], as_json: bool, outcome: Outcome, changed: list[str]) -> list[str]:
    """Every way this run broke the contract (empty: it kept it)."""
    problems: list[str] = []
    if outcome.signal is not None:
        problems.append(f"killed by signal {outcome.signal}")
    elif outcome.code not in (0, 1, 2):
        problems.append(f"exit {outcome.code}")
    try:
        out, err = outcome.out.decode("utf-8"), outcome.err.decode("utf-8")
    except UnicodeDecodeError as e:
        return [*problems, f"output is not UTF-8 ({e})"]
    if "Traceback" in err or "internal error" in err:
        problems.append("traceback or internal error: " + err.strip().splitlines()[-1][:300])
    for stream, text in (("stdout", out), ("stderr", err)):
        for line in text.splitlines():
            if not line.isprintable():
                problems.append(f"{stream} line with a control character: {line[:120]!r}")
                break
    if outcome.code == 2 and len(err.strip().splitlines()) != 1:
        problems.append(f"exit 2 with {len(err.strip().splitlines())} lines on stderr: {err[:300]!r}")
    if as_json and outcome.code in (0, 1) and out.strip():
        try:
            json.loads(out)
        except ValueError:
            problems.append(f"--json printed something that is not JSON: {out[:200]!r}")
    if changed:
        problems.append(f"changed outside its declared outputs: {changed[:5]}")
    return problems


def changed_paths(before: dict[str, Any], after: dict[str, Any], allowed: list[str]) -> list[str]:
    diff = [k for k in before.keys() | after.keys() if before.get(k) != after.get(k)]
    return sorted(k for k in diff if not any(fnmatch.fnmatchcase(k, g) for g in allowed))


@dataclasses.dataclass
class Example:
    command: Command
    args: list[str]
    as_json: bool
    damage: Damage | None

    def __str__(self) -> str:
        return f"prov {self.command.label} {' '.join(map(repr, self.args))}" + (
            f"  (after {self.damage})" if self.damage else ""
        )

    __repr__ = __str__  # hypothesis prints the failing example with repr


@st.composite
def examples(draw: Callable[..., Any], command: Command) -> Example:
    args, as_json = draw(argv(command))
    return Example(command, args, as_json, draw(damage()))


def run_example(example: Example, template: Path, scratch: Path) -> list[str]:
    """Copy the template to ``scratch``, damage it, run, and return the contract's breaches."""
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(template, scratch, symlinks=True)
    root, home = scratch / "p", scratch / "home"
    if example.damage is not None:
        apply(example.damage, root, home)
    before = snapshot(scratch)
    outcome = run_forked([*example.command.path, *example.args], root, home)
    after = snapshot(scratch)
    changed = changed_paths(before, after, allowed_changes(example.command, example.args))
    return judge(example.command, example.args, example.as_json, outcome, changed)


def template_in(directory: Path) -> Path:
    """Build the template project under ``directory`` (``p/`` and ``home/``) and return ``directory``."""
    build_template(directory / "p", directory / "home")
    return directory


def iter_commands() -> Iterator[Command]:
    yield from commands()
