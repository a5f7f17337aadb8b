"""Registry credentials, found as docker finds them; never written anywhere by prov.

Order: ``--username`` with ``--password-stdin``; else the docker config (``$DOCKER_CONFIG/config.json``,
default ``~/.docker/config.json``): a credential helper named for the host (``credHelpers``) or for all
hosts (``credsStore``), run as ``docker-credential-NAME get``; else the host's ``auths`` entry
(``auth``: base64 of ``user:password``, or ``username``/``password``). No credentials is anonymous.
The password lives in memory for the command and goes only to the registry, in an Authorization header.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .client import RegistryError


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)  # never in a traceback, a log line or --json output
    source: str = "command line"


def docker_config_file() -> Path:
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


def _host_keys(host: str) -> list[str]:
    """The spellings docker writes a host under."""
    keys = [host, f"https://{host}", f"http://{host}", f"https://{host}/v1/", f"https://{host}/v2/"]
    if host in ("docker.io", "registry-1.docker.io", "index.docker.io"):
        keys.append("https://index.docker.io/v1/")
    return keys


def from_docker_config(host: str, config_file: Path | None = None) -> Credentials | None:
    config_file = config_file or docker_config_file()
    if not config_file.is_file():
        return None
    where = str(config_file)
    try:
        config = json.loads(config_file.read_text())
    except (OSError, ValueError, RecursionError) as e:
        raise RegistryError(f"{where}: cannot read it as JSON ({e}); fix or move it to push anonymously") from None
    if not isinstance(config, dict):
        raise RegistryError(f"{where}: not a JSON object")
    helpers = config.get("credHelpers") or {}
    helper = next((helpers[k] for k in _host_keys(host) if isinstance(helpers, dict) and k in helpers), None)
    helper = helper or config.get("credsStore")
    if isinstance(helper, str) and helper:
        found = _from_helper(helper, host, where)
        if found is not None:
            return found
    auths = config.get("auths") or {}
    entry = next((auths[k] for k in _host_keys(host) if isinstance(auths, dict) and k in auths), None)
    if not isinstance(entry, dict):
        return None
    if isinstance(entry.get("auth"), str) and entry["auth"]:
        try:
            user, sep, password = base64.b64decode(entry["auth"], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise RegistryError(f"{where}: auths[{host!r}].auth is not base64 of user:password") from None
        if not sep:
            raise RegistryError(f"{where}: auths[{host!r}].auth is not base64 of user:password")
        return Credentials(user, password, where)
    if isinstance(entry.get("username"), str) and isinstance(entry.get("password"), str):
        return Credentials(entry["username"], entry["password"], where)
    return None


def _from_helper(helper: str, host: str, where: str) -> Credentials | None:
    if not helper.replace("-", "").replace("_", "").isalnum():
        raise RegistryError(f"{where}: credential helper {helper!r} is not a helper name")
    program = f"docker-credential-{helper}"
    try:
        done = subprocess.run([program, "get"], input=host.encode(), capture_output=True, timeout=30, check=False)
    except FileNotFoundError:
        raise RegistryError(f"{where} names the credential helper {program}, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise RegistryError(f"{program} get did not answer within 30 s") from None
    if done.returncode != 0:
        if b"credentials not found" in done.stdout.lower() + done.stderr.lower():
            return None
        raise RegistryError(f"{program} get failed (exit {done.returncode}) for {host}")
    try:
        answer = json.loads(done.stdout)
        username, secret = answer["Username"], answer["Secret"]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise RegistryError(f"{program} get answered something other than Username and Secret") from None
    if not isinstance(username, str) or not isinstance(secret, str):
        raise RegistryError(f"{program} get answered something other than Username and Secret")
    if username == "<token>":
        raise RegistryError(f"{program} holds an identity token for {host}; prov supports basic credentials only")
    return Credentials(username, secret, program)


def resolve(host: str, username: str | None, password: str | None) -> Credentials | None:
    """The credentials to use for ``host``: given ones, else docker's, else none."""
    if username is not None:
        if password is None:
            raise RegistryError("--username needs the password on standard input: --password-stdin")
        found: Credentials | None = Credentials(username, password)
    elif password is not None:
        raise RegistryError("--password-stdin needs --username")
    else:
        found = from_docker_config(host)
    if found is not None:
        try:
            (found.username + found.password).encode("utf-8")
        except UnicodeEncodeError:
            raise RegistryError(f"the credentials from {found.source} are not UTF-8 text") from None
    return found


def read_password_stdin(stream: object) -> str:
    """As ``docker login --password-stdin``: the whole input, without its final newline."""
    text = stream.read()  # type: ignore[attr-defined]
    text = text.removesuffix("\n").removesuffix("\r")
    if not text:
        raise RegistryError("--password-stdin: standard input was empty")
    return str(text)
