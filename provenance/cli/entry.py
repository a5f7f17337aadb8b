"""The `prov` console script. `prov check` (the pre-commit hook) starts without click or pydantic."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if any("\x00" in a for a in args):  # a shell cannot pass one; the Python API can, and os calls refuse it
        print("prov: an argument holds a NUL byte; no file name or value can", file=sys.stderr)
        return 2
    if args[:1] != ["check"]:  # the hook is given whatever git stages, and judges each name itself
        for a in args:
            try:
                a.encode("utf-8")
            except UnicodeEncodeError:
                from ..textsafe import shown

                print(f"prov: {shown(a, 80)}: not UTF-8 text; prov records names and values as text", file=sys.stderr)
                return 2
    if args[:1] == ["check"] and not {"-h", "--help"} & set(args):
        from ..hooks.check import main as check

        return check(args[1:])
    if args[:1] == ["verify"]:
        from .verify_run import main as verify

        code = verify(args[1:])  # None: help or an unusual option, which click parses
        if code is not None:
            return code
    if args in ([], ["--help"], ["-h"]):
        from .commands import top_help

        sys.stdout.write(top_help())
        return 0
    import os

    # prov validates its own files with its own models: no pydantic plugin another installed package
    # registers is looked for (scanning every package's entry points costs each command ~10-25 ms) or run.
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    _plugin_loader_without_discovery()
    from .main import main as full

    return full(args)


PLUGIN_LOADER = "pydantic.plugin._loader"


def _plugin_loader_without_discovery() -> None:
    """Give pydantic, whose plugins are disabled, a plugin loader that finds none without importing
    ``importlib.metadata``.

    pydantic imports its loader as it builds its first model schema, and the loader imports
    ``importlib.metadata`` (and through it the ``email`` package: 15-30 ms of every command, in each of
    `prov card`'s two processes) even when ``PYDANTIC_DISABLE_PLUGINS`` says no plugin is wanted, in which
    case its ``get_plugins`` returns nothing. This stand-in is that function alone; any other name pydantic
    ever asks it for is handed over to the real loader, imported then (a test holds the names pydantic's
    own code takes from the loader to this one)."""
    if PLUGIN_LOADER in sys.modules:
        return
    import types

    loader = types.ModuleType(PLUGIN_LOADER, "pydantic's plugin loader, with plugins disabled (prov.cli.entry)")

    def get_plugins() -> tuple[()]:
        return ()

    def real(name: str) -> object:
        import importlib

        if name.startswith("__"):  # the import system's own questions (is it a package?): a plain module
            raise AttributeError(name)
        if sys.modules.get(PLUGIN_LOADER) is loader:
            del sys.modules[PLUGIN_LOADER]
        return getattr(importlib.import_module(PLUGIN_LOADER), name)

    loader.get_plugins = get_plugins  # type: ignore[attr-defined]
    loader.__getattr__ = real  # type: ignore[attr-defined]
    sys.modules[PLUGIN_LOADER] = loader


def run() -> None:
    """The console script: ``main``, then exit without tearing the interpreter down.

    Unloading hundreds of modules (pydantic's, numpy's) and collecting their objects is work nobody waits
    for: 30-100 ms of every short command. Everything prov writes is closed (and synced) by the time
    ``main`` returns; the exit handlers still run (the digest cache's queued writes among them), standard
    output and error are flushed, and only then does the process end. An exception from ``main`` leaves
    the ordinary way, with its traceback."""
    import atexit
    import os

    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (prov … | head): nothing more can be said there
            code = code or 1 if stream is sys.stdout else code
    os._exit(code if isinstance(code, int) else 1)


if __name__ == "__main__":
    run()
