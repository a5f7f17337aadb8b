"""Render a signed card as Markdown (Hugging Face front matter), HTML or JSON.

The templates live in the top-level ``templates/`` of a source checkout and inside the wheel as
``provenance/templates``; the front matter is built as data and dumped with YAML, never templated.
"""

from __future__ import annotations

import json
import os
import stat
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import licences
from ..model.card import ModelCard, Privacy
from .files import SignedCard

if TYPE_CHECKING:  # an annotation only: rendering a card need not build the export models
    from ..model.export import ExportRecord

FORMATS = ("md", "html", "json", "hf", "cyclonedx", "spdx3")


def templates_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "card.md.j2").is_file():
            return candidate
    raise FileNotFoundError("prov's card templates are missing from this installation")


@cache
def _environment(autoescape: bool):  # type: ignore[no-untyped-def]
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        bytecode_cache=_bytecode_cache("html" if autoescape else "md"),
        autoescape=autoescape,
        # Markdown has no escaping of its own: a newline in a file or dataset name would start a new
        # heading or table row, so every value is one line unless the template says it is prose.
        finalize=None if autoescape else _one_line,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    if not autoescape:  # Markdown-only: both return markup, which in HTML would skip escaping
        env.filters["cell"] = _cell
        env.filters["prose"] = _prose
        env.filters["code"] = _code
        env.filters["shell"] = _shell
    env.filters["yesno"] = lambda v: "unknown" if v is None else ("yes" if v else "no")
    env.filters["listing"] = lambda v, empty="any": empty if v is None else (", ".join(v) if v else "nobody")
    return env


def _bytecode_cache(kind: str):  # type: ignore[no-untyped-def]
    """Compiled templates kept in the per-user directory (``PROV_HOME/cache/templates/KIND``): compiling
    them is most of a card's rendering time (~0.1 s), and every `prov card` renders one.

    Jinja keys an entry by the template's name and a checksum of its source only, but the code it compiles
    depends on the environment too (autoescape, finalize): Markdown and HTML share ``_macros.j2``, so each
    environment has its own directory. Compiled code is run when it is loaded, so every directory from
    PROV_HOME down must be the user's own and writable by no one else (else: compile every time, None)."""
    import jinja2

    from ..errors import UsageError
    from ..home import prov_home

    try:
        home = prov_home()
        directory = home / "cache" / "templates" / kind
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for d in (home, home / "cache", home / "cache" / "templates", directory):
            st = d.lstat()
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
                return None
    except (OSError, UsageError):
        return None
    return jinja2.FileSystemBytecodeCache(str(directory))


# Characters that start Markdown structure inside a line: code spans, links and images, raw HTML,
# table cells, and the backslash itself (so a value cannot un-escape what follows). Escaped with a
# backslash; CommonMark renders the character. Emphasis is left alone: it restyles, it adds nothing.
_MD_INLINE = str.maketrans({c: "\\" + c for c in "\\`[]<>|"})


def _one_line(value: Any) -> Any:
    """Every value in the Markdown card: one line, and no character that could start Markdown structure
    (a dataset version ``3 | public | CC0 |`` would otherwise draw table cells that hide the real terms,
    a file name could carry a link or raw HTML)."""
    from markupsafe import Markup

    from ..textsafe import shown

    return value if value is None or isinstance(value, Markup) else shown(value).translate(_MD_INLINE)


def _code(value: Any) -> Any:
    """A value as an inline code span, whatever backticks it holds (the fence is longer than any run
    inside it, as CommonMark allows), on one line, with ``|`` escaped for table cells."""
    from markupsafe import Markup

    from ..textsafe import shown

    text = shown(value).replace("|", "\\|")
    longest = run = 0
    for ch in text if "`" in text else "":  # a digest or a plain name has none: no walk over it
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def _shell(value: Any) -> Any:
    """A value as one shell word, for commands a reader copies (a name holding ``$(...)`` or ``;`` stays
    a name)."""
    import shlex

    from markupsafe import Markup

    from ..textsafe import shown

    return Markup(shlex.quote(shown(value)))


def _prose(value: Any) -> Any:
    """Text a person wrote to span lines (intended use, limitations): its lines kept, but as plain text:
    inline markup escaped, and a line that would start a heading, list, quote, table or rule escaped at
    its start, so free text cannot draw a "Sharing terms" table above the real one."""
    from markupsafe import Markup

    from ..textsafe import shown

    lines = []
    for line in shown(value, keep="\n").split("\n"):
        text = line.translate(_MD_INLINE)
        body = text.lstrip(" ")
        indent = text[: len(text) - len(body)][:3]  # four spaces would make a code block: at most three
        if body[:1] in ("#", "-", "+", "=", ">") or (
            body[:1].isdigit() and body.lstrip("0123456789")[:1] in (".", ")")
        ):
            digits = len(body) - len(body.lstrip("0123456789"))
            body = body[:digits] + "\\" + body[digits:] if digits else "\\" + body
        lines.append(indent + body)
    return Markup("\n".join(lines))


def _cell(value: Any) -> Any:
    """Text safe inside a Markdown table cell (marked done, so the finalizer does not escape it twice)."""
    from markupsafe import Markup

    if value is None or value == "":
        return Markup("—")
    return Markup(_one_line(str(value).replace("\n", " ")))


def front_matter(card: ModelCard, notices: str | None = None) -> dict[str, Any]:
    """Hugging Face model-card metadata, holding only what the Hub can resolve.

    ``license_link`` points at something that exists wherever the card goes: the signer's
    ``--licence-link`` (standard licences too), else the SPDX page of a listed licence, else ``notices``,
    the licence-notices file shipped beside this rendering (an export bundle's); with none of those it is
    left out rather than naming a file that is not there. ``datasets`` and ``base_model`` carry Hub
    repository ids only (``hub_ids``); local names stay in the card's body."""
    art = card.artefact
    terms = card.effective_terms
    licence = card.licence or terms.licence
    hf, name = licences.hf_licence(licence)
    meta: dict[str, Any] = {"license": hf}
    if hf == "other":
        meta["license_name"] = name
    ids = licences.licence_ids(licence) if licence and hf == "other" else []
    given = card.licence_link
    if given and notices and "://" not in given:
        given = notices  # a file beside the model does not travel in a bundle; the notices do
    link = given or next((u for u in (licences.spdx_url(i) for i in ids) if u), None)
    link = link or (notices if hf == "other" else None)
    if link:
        meta["license_link"] = link
    if art.framework == "scikit-learn":
        meta["library_name"] = "sklearn"
    tags = [
        "prov",
        f"confidentiality-{terms.confidentiality.value}",
        terms.confidentiality.tlp.lower().replace(":", "-"),
    ]
    if art.framework == "scikit-learn":
        tags += ["sklearn", "tabular"]
    if terms.personal_data:
        tags.append("personal-data")
    meta["tags"] = tags
    datasets = hub_ids([(d.hub_id, d.url) for d in card.datasets], "datasets")
    if datasets:
        meta["datasets"] = datasets
    bases = [(p, p.hub_id) for p in card.parents if p.hub_id]
    if bases:
        meta["base_model"] = [b for _, b in bases] if len(bases) > 1 else bases[0][1]
        meta["base_model_relation"] = bases[0][0].relation
    if card.metrics:
        meta["metrics"] = list(card.metrics)
    return meta


def hub_ids(sources: list[tuple[str | None, str | None]], kind: str) -> list[str]:
    """Hub repository ids: an explicit id, else one read from a Hub URL (``https://huggingface.co/datasets/
    ORG/NAME/...``; for models ``https://huggingface.co/ORG/NAME``); anything else has none."""
    import re

    from ..model.dataset import HUB_ID_PATTERN

    prefix = r"https://(?:www\.)?huggingface\.co/" + (r"datasets/" if kind == "datasets" else r"(?!datasets/)")
    out: list[str] = []
    for explicit, url in sources:
        found = explicit
        if found is None and url:
            m = re.match(prefix + r"([^/?#\s]+/[^/?#\s]+)", url)
            if m and re.fullmatch(HUB_ID_PATTERN, m.group(1)):
                found = m.group(1)
        if found and found not in out:
            out.append(found)
    return out


def _recipients_text(card: ModelCard) -> str:
    terms = card.effective_terms
    if terms.derivatives is not None and terms.derivatives.value in ("none", "internal"):
        return f"none outside the owner (derivative sharing is {terms.derivatives.value})"
    if terms.recipients is None:
        return "not restricted by an agreement"
    return ", ".join(terms.recipients) or "nobody (the listed recipients do not overlap)"


def _context(signed: SignedCard, markdown: bool, notices: str | None = None) -> dict[str, Any]:
    """The template's values. For Markdown, the YAML and JSON dumps are whole blocks (they escape
    control characters themselves); for HTML they stay plain text, so autoescaping still applies."""
    from markupsafe import Markup

    from ..store.yamlio import dump_yaml

    block = Markup if markdown else str

    card = signed.card
    return {
        "card": card,
        "art": card.artefact,
        "terms": card.effective_terms,
        "front_matter": block(dump_yaml(front_matter(card, notices)).strip()),
        "card_sha256": signed.sha256,
        "keyid": signed.envelope.signatures[0][0] if signed.envelope.signatures else "",
        "recipients_text": _recipients_text(card),
        "hyperparameters_json": block(json.dumps(card.artefact.hyperparameters, indent=2, sort_keys=True)),
        "readme": False,
    }


def load_card_template() -> None:
    """Import jinja2 and load the Markdown card's compiled template now (``render`` then finds both), for a
    caller that has time to spare before it can render: ``prov card`` while the artefact's inspection ends."""
    _environment(False).get_template("card.md.j2")


def render(signed: SignedCard, fmt: str = "md", spec: str | None = None, *, notices: str | None = None) -> str:
    """The card in ``fmt``: md (the rendered card beside the artefact), html, json (the statement), hf (a
    Hugging Face model repository README), cyclonedx (ML-BOM; ``spec`` 1.6 or 1.7) or spdx3 (JSON-LD).
    ``notices``: the licence-notices file that ships beside this rendering (a bundle's), for license_link."""
    from markupsafe import Markup

    if spec is not None and fmt != "cyclonedx":
        raise ValueError("a spec version goes with the cyclonedx format only")
    if fmt == "cyclonedx":
        from .cyclonedx import cyclonedx

        return json.dumps(cyclonedx(signed.card, signed.sha256, spec or "1.6"), indent=2, ensure_ascii=False) + "\n"
    if fmt == "spdx3":
        from .spdx3 import spdx3

        return json.dumps(spdx3(signed.card, signed.sha256), indent=2, ensure_ascii=False) + "\n"
    if fmt == "hf":
        # A README for a model repository: the card, then the signed envelope itself and how to check it.
        envelope = signed.raw.decode("utf-8")
        return (
            _environment(False)
            .get_template("card.md.j2")
            .render(**{**_context(signed, markdown=True), "readme": True}, envelope=Markup(envelope.strip()))
        )
    if fmt == "json":
        data = signed.statement.model_dump(mode="json", by_alias=True)
        return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    if fmt == "md":
        return _environment(False).get_template("card.md.j2").render(**_context(signed, markdown=True, notices=notices))
    if fmt == "html":
        from markupsafe import Markup

        from ..pictures import roc_svg

        mi = signed.card.privacy.membership_inference
        roc = Markup(roc_svg(mi)) if mi is not None else None  # built from numbers and escaped labels
        return _environment(True).get_template("card.html.j2").render(**_context(signed, markdown=False), roc=roc)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def render_audit(name: str, privacy: Privacy) -> str:
    """The self-contained HTML report of ``prov audit --html``: the memorisation analysis and every
    membership attack, with their ROC curves."""
    from markupsafe import Markup

    from .._version import __version__
    from ..pictures import roc_svg

    mi = privacy.membership_inference
    roc = Markup(roc_svg(mi)) if mi is not None else None  # built from numbers and escaped labels
    template = _environment(True).get_template("audit.html.j2")
    return template.render(name=name, privacy=privacy, roc=roc, version=__version__)


def render_status(report: object, pictures: dict[str, object], rocs: dict[str, object]) -> str:
    """The self-contained HTML status page (``prov status --html``)."""
    from ..model.codes import ATTENTION

    template = _environment(True).get_template("status.html.j2")
    return template.render(report=report, pictures=pictures, rocs=rocs, attention=sorted(ATTENTION))


def render_notices(record: ExportRecord) -> str:
    """LICENCE-NOTICES.md for an export bundle."""
    return _environment(False).get_template("notices.md.j2").render(record=record)
