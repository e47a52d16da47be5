"""Templates to text: Jinja2 with StrictUndefined; plain text first, an optional autoescaped HTML part.

Each message kind is one template file, `<language>/<kind>.txt`, with a `subject` block and a
`body` block; an optional `<language>/<kind>.html` gives an HTML alternative (its `body` block), and
`_signature.txt` follows the body after the standard "-- " line. Every file is looked for, most
specific first, in:

    <override>/practitioners/<email>/<language>/<name>   a practitioner's own wording in that language
    <override>/practitioners/<email>/<name>              a practitioner's own wording, any language
    <override>/<language>/<name>                         the operator's wording
    <shipped>/<language>/<name>                          introbot's wording

first for the recipient's language (a regional tag such as fr-ca before fr), then for English. An
HTML alternative is used only when it is at least as specific as the text it goes with, so that a
reworded text never travels beside an HTML part still carrying the old words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import jinja2
from markupsafe import Markup

from introbot.model import Kind

FALLBACK_LANGUAGE = "en"
SIGNATURE_TEMPLATE = "_signature"
SIGNATURE_SEPARATOR = "-- "  # RFC 3676: what mail clients recognise as the start of a signature
PRACTITIONERS = "practitioners"  # the folder, inside the operator's, holding one folder per practitioner
SHIPPED, OVERRIDE = "shipped", "override"  # loader prefixes naming the two template folders
_BLANK_LINES = re.compile(r"\n{3,}")
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")
# One "@", and nothing that could leave the practitioners folder or be read as a separator.
_SAFE_ADDRESS = re.compile(r"[^\s\x00-\x1f\x7f/\\@]+@[^\s\x00-\x1f\x7f/\\@]+")
_NO_ATTRIBUTE = re.compile(r"has no (?:attribute|element) '([^']+)'")


class TemplateError(ValueError):
    """A template could not be rendered; the message names the file, the line and the cause."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # body, then the signature after the standard "-- " line
    html: str | None  # the HTML body, then the signature; None when no HTML template applies
    body_words: int  # words of the body before the signature (ETIQUETTE: an intro stays under 120)
    sources: tuple[str, ...] = ()  # the template files used: text, signature, then HTML when there is one


def practitioner_folder(email: str) -> str | None:
    """The folder name of a practitioner's own templates: the address in lower case, or None when the
    address could not safely name a folder (a '/', a '..', no '@'); such a practitioner simply has no
    templates of their own."""
    folder = email.strip().lower()
    if not _SAFE_ADDRESS.fullmatch(folder) or ".." in folder or folder.startswith("."):
        return None
    return folder


class _Folders(jinja2.PrefixLoader):
    """The template folders by prefix (`shipped/en/...`, `override/en/...`). Unlike its parent it keeps
    the prefix in each template's name, so that a template knows which folder it came from."""

    load = jinja2.BaseLoader.load


class Renderer:
    def __init__(self, shipped: Path, override: Path | None = None):
        self._roots = {SHIPPED: Path(shipped)}
        if override:
            self._roots[OVERRIDE] = Path(override)
        self._env = jinja2.Environment(
            loader=_Folders({prefix: jinja2.FileSystemLoader(root) for prefix, root in self._roots.items()}),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )

    def template_names(self, kind: Kind | str, language: str, extension: str = "txt",
                       practitioner: str | None = None) -> list[str]:
        """Where the file for `kind` is looked for, most specific first, as `shipped/...` or `override/...`."""
        file = f"{kind.value if isinstance(kind, Kind) else kind}.{extension}"
        override = OVERRIDE in self._roots
        own = practitioner_folder(practitioner) if practitioner and override else None
        names: list[str] = []
        for tags in _language_rounds(language):
            if own:
                names += [f"{OVERRIDE}/{PRACTITIONERS}/{own}/{tag}/{file}" for tag in tags]
                names.append(f"{OVERRIDE}/{PRACTITIONERS}/{own}/{file}")
            if override:
                names += [f"{OVERRIDE}/{tag}/{file}" for tag in tags]
            names += [f"{SHIPPED}/{tag}/{file}" for tag in tags]
        return list(dict.fromkeys(names))

    def render(self, kind: Kind | str, language: str, context: Mapping[str, Any],
               practitioner: str | None = None) -> Rendered:
        """Render `kind` for a reader of `language`, in `practitioner`'s own wording where they have some."""
        text_names = self.template_names(kind, language, "txt", practitioner)
        text_at, text_template = self._required(text_names, language)
        subject = _one_line(self._block(text_template, "subject", context))
        body = _tidy(self._block(text_template, "body", context))
        _, signature_template = self._required(self.template_names(SIGNATURE_TEMPLATE, language, "txt", practitioner),
                                               language)
        signature = _tidy(self._run(signature_template, None, context))
        text = f"{body}\n\n{SIGNATURE_SEPARATOR}\n{signature}\n" if signature else f"{body}\n"
        # Only an HTML file at least as specific as the text: never old words beside new ones.
        html_found = self._find(self.template_names(kind, language, "html", practitioner)[: text_at + 1])
        html_template = html_found[1] if html_found else None
        html = None
        if html_template is not None:
            html = self._block(html_template, "body", context).strip() + _html_signature(signature)
        used = (text_template, signature_template, html_template)
        return Rendered(subject=subject, text=text, html=html, body_words=len(body.split()),
                        sources=tuple(t.filename for t in used if t is not None and t.filename))

    def _required(self, names: list[str], language: str) -> tuple[int, jinja2.Template]:
        found = self._find(names)
        if found is None:
            file = names[-1].split("/", 2)[-1]
            raise TemplateError(f"no template for {file} in language {language!r} or English: "
                                f"add {FALLBACK_LANGUAGE}/{file} to your templates folder")
        return found

    def _find(self, names: list[str]) -> tuple[int, jinja2.Template] | None:
        for position, name in enumerate(names):
            try:
                return position, self._env.get_template(name)
            except jinja2.TemplateNotFound:
                continue
            except jinja2.TemplateSyntaxError as error:
                raise TemplateError(f"{self._shown(error.name or name)} line {error.lineno}: {error.message}") from None
        return None

    def _block(self, template: jinja2.Template, block: str, context: Mapping[str, Any]) -> str:
        if block not in template.blocks:
            raise TemplateError(f"{self._shown(template.name)}: has no {{% block {block} %}}; every message template "
                                f"needs a subject block and a body block, and an HTML one a body block")
        return self._run(template, block, context)

    def _run(self, template: jinja2.Template, block: str | None, context: Mapping[str, Any]) -> str:
        """Render one block of `template`, or all of it. The compiled code is called directly rather
        than through Template.render, so that Jinja leaves the traceback alone for _template_line."""
        render = template.blocks[block] if block else template.root_render_func
        try:
            return "".join(render(template.new_context(dict(context))))
        except jinja2.UndefinedError as error:
            line = _template_line(error, template)
            source = self._env.loader.get_source(self._env, template.name)[0].splitlines()
            line_text = source[line - 1] if line and line <= len(source) else ""
            raise TemplateError(f"{self._shown(template.name)} line {line or '?'}: "
                                f"{_missing_variable(error.message or '', line_text)}; "
                                f"this message has only: {', '.join(sorted(context))}") from None
        except jinja2.TemplateError as error:
            raise TemplateError(f"{self._shown(template.name)}: {error}") from None

    def _shown(self, name: str) -> str:
        """A template's file as errors show it: its path, with a practitioner's address replaced by
        <practitioner>, because exceptions end up in logs and logs never hold addresses."""
        prefix, _, rest = name.partition("/")
        parts = rest.split("/")
        if prefix == OVERRIDE and parts[0] == PRACTITIONERS and len(parts) > 2:
            parts[1] = "<practitioner>"
        return str(self._roots[prefix].joinpath(*parts))


def language_folders(folder: Path) -> set[str]:
    """The languages `folder` holds templates for: its subfolders named by a language tag (en, fr, pt-br)."""
    if not folder.is_dir():
        return set()
    return {entry.name.lower() for entry in folder.iterdir()
            if entry.is_dir() and _LANGUAGE_TAG.fullmatch(entry.name.lower())}


def _language_rounds(language: str) -> list[tuple[str, ...]]:
    """The tags to try: the reader's language (a region first: fr-ca, then fr), then English. A tag
    that is not a language tag (it would name a folder) means English."""
    tag = language.strip().lower().replace("_", "-")
    if not _LANGUAGE_TAG.fullmatch(tag):
        tag = FALLBACK_LANGUAGE
    primary = tag.split("-")[0]
    rounds = [tuple(dict.fromkeys((tag, primary)))]
    if primary != FALLBACK_LANGUAGE:
        rounds.append((FALLBACK_LANGUAGE,))
    return rounds


def _template_line(error: Exception, template: jinja2.Template) -> int | None:
    """The template line where rendering failed: the innermost frame of the template's compiled code,
    mapped back to the template source."""
    tb = error.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == template.filename:
            line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line


def _missing_variable(message: str, line_text: str) -> str:
    """Jinja says "'dict object' has no attribute 'surname'"; the line shows it was `client.surname`."""
    attribute = _NO_ATTRIBUTE.search(message)
    if attribute:
        written = re.search(rf"[A-Za-z_][\w.]*\.{re.escape(attribute.group(1))}\b", line_text)
        if written:
            return f"{written.group(0)} is undefined"
    return message


def _html_signature(signature: str) -> str:
    """The signature under an HTML body too, so that readers of the HTML part see who wrote."""
    if not signature:
        return ""
    lines = Markup("<br>\n").join(signature.splitlines())  # join escapes each line
    return str(Markup('\n<p style="color: #666666;">-- <br>\n{}</p>').format(lines))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines))
