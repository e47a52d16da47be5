"""Templates to text: Jinja2 with StrictUndefined; plain text first, an optional autoescaped HTML part.

Each message kind is one template file, `<language>/<kind>.txt`, with a `subject` block and a
`body` block; an optional `<language>/<kind>.html` gives an HTML alternative. Operators override
any file by putting one of the same name in their own folder; everything else comes from the
shipped templates, and a language without its own file falls back to English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import jinja2

from introbot.model import Kind

FALLBACK_LANGUAGE = "en"
SIGNATURE_TEMPLATE = "_signature"
SIGNATURE_SEPARATOR = "-- "  # RFC 3676: what mail clients recognise as the start of a signature
_BLANK_LINES = re.compile(r"\n{3,}")


class TemplateError(ValueError):
    """A template could not be rendered; the message names the file, the line and the cause."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # body, then the signature after the standard "-- " line
    html: str | None
    body_words: int  # words of the body before the signature (ETIQUETTE: an intro stays under 120)


class Renderer:
    def __init__(self, shipped: Path, override: Path | None = None):
        folders = [str(override)] if override else []
        folders.append(str(shipped))
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folders),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )

    def template_names(self, kind: Kind | str, language: str, extension: str = "txt") -> list[str]:
        name = kind.value if isinstance(kind, Kind) else kind
        languages = [language, FALLBACK_LANGUAGE] if language != FALLBACK_LANGUAGE else [language]
        return [f"{lang}/{name}.{extension}" for lang in languages]

    def render(self, kind: Kind, language: str, context: Mapping[str, Any]) -> Rendered:
        text_template = self._find(kind, language, "txt", required=True)
        subject = _one_line(self._block(text_template, "subject", context))
        body = _tidy(self._block(text_template, "body", context))
        signature = _tidy(self._whole(self._find(SIGNATURE_TEMPLATE, language, "txt", required=True), context))
        text = f"{body}\n\n{SIGNATURE_SEPARATOR}\n{signature}\n" if signature else f"{body}\n"
        html_template = self._find(kind, language, "html", required=False)
        html = self._block(html_template, "body", context) if html_template else None
        return Rendered(subject=subject, text=text, html=html, body_words=len(body.split()))

    def _find(self, kind: Kind | str, language: str, extension: str, required: bool) -> jinja2.Template | None:
        names = self.template_names(kind, language, extension)
        try:
            return self._env.select_template(names)
        except jinja2.TemplatesNotFound:
            if required:
                raise TemplateError(f"no template {' or '.join(names)}: add one to your templates folder") from None
            return None
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(f"{error.filename or error.name} line {error.lineno}: {error.message}") from None

    def _block(self, template: jinja2.Template, block: str, context: Mapping[str, Any]) -> str:
        if block not in template.blocks:
            raise TemplateError(f"{template.filename}: has no {{% block {block} %}}; every message template "
                                f"needs a subject block and a body block")
        return self._run(template, lambda: "".join(template.blocks[block](template.new_context(dict(context)))))

    def _whole(self, template: jinja2.Template, context: Mapping[str, Any]) -> str:
        return self._run(template, lambda: template.render(dict(context)))

    @staticmethod
    def _run(template: jinja2.Template, render) -> str:
        try:
            return render()
        except jinja2.UndefinedError as error:
            raise TemplateError(f"{template.filename} line {_template_line(error, template)}: {error.message}; "
                                f"use only the variables listed in the README's template reference") from None
        except jinja2.TemplateError as error:
            raise TemplateError(f"{template.filename}: {error}") from None


def _template_line(error: Exception, template: jinja2.Template) -> str:
    """The template line where rendering failed: the innermost frame of the template's compiled code,
    mapped back to the template source."""
    tb = error.__traceback__
    line = "?"
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == template.filename:
            line = str(template.get_corresponding_lineno(tb.tb_lineno))
        tb = tb.tb_next
    return line


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines))
