"""Rendering: shipped templates, operator overrides, language fallback, StrictUndefined, autoescaped HTML."""

from pathlib import Path

import pytest

from introbot.core.render import Renderer, TemplateError
from introbot.model import Kind

SHIPPED = Path(__file__).resolve().parents[2] / "templates"
CONTEXT = {"bot": {"name": "Intro Assistant", "address": "intro@collective.example"},
           "referrer": {"name": "Dr. Ada Lee", "first_name": "Ada", "email": "ada@clinic.example"},
           "client": {"first_name": "Sam", "name": "Sam Rivera", "email": "sam@client.example"},
           "colleague": {"name": "Maya Chen", "first_name": "Maya", "email": "maya@bodywork.example",
                         "website": "https://bodywork.example", "specialty": "massage therapy"},
           "intro_id": "abc"}


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_every_kind_has_a_shipped_english_template():
    missing = [k.value for k in Kind if not (SHIPPED / "en" / f"{k.value}.txt").is_file()]
    assert missing == []


def test_introduction_renders_subject_body_and_signature():
    rendered = Renderer(SHIPPED).render(Kind.INTRODUCTION, "en", CONTEXT)
    assert rendered.subject == "Sam, meet Maya"
    body, signature = rendered.text.split("\n-- \n")
    assert "I'll let you two take it from here!" in body
    assert "https://bodywork.example" in body and "Dr. Ada Lee sent you" in body
    assert signature.strip() == "Intro Assistant, on behalf of Dr. Ada Lee"
    assert rendered.body_words < 120 and rendered.html is None


def test_an_operator_overrides_one_file_and_keeps_the_rest(tmp_path):
    write(tmp_path, "en/introduction.txt", "{% block subject %}Hello {{ client.first_name }}{% endblock %}"
                                          "{% block body %}Short.{% endblock %}")
    renderer = Renderer(SHIPPED, tmp_path)
    assert renderer.render(Kind.INTRODUCTION, "en", CONTEXT).subject == "Hello Sam"
    assert "shall I introduce you" in renderer.render(Kind.ASK_CLIENT, "en", CONTEXT).subject


def test_a_language_without_its_own_file_falls_back_to_english(tmp_path):
    write(tmp_path, "fr/introduction.txt", "{% block subject %}Bonjour{% endblock %}{% block body %}Oui.{% endblock %}")
    renderer = Renderer(SHIPPED, tmp_path)
    assert renderer.render(Kind.INTRODUCTION, "fr", CONTEXT).subject == "Bonjour"
    assert renderer.render(Kind.ASK_CLIENT, "fr", CONTEXT).subject.startswith("Dr. Ada Lee suggests")


def test_a_missing_variable_names_the_file_and_line(tmp_path):
    write(tmp_path, "en/introduction.txt", "{% block subject %}Hi{% endblock %}\n{% block body %}\nline two\n"
                                          "{{ client.surname }}\n{% endblock %}")
    with pytest.raises(TemplateError) as error:
        Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT)
    message = str(error.value)
    assert "introduction.txt line 4" in message and "surname" in message


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    write(tmp_path, "en/introduction.txt", "{% block subject %}Hi{% endblock %}\n{% block body %}{{ oops }\n")
    with pytest.raises(TemplateError, match=r"introduction.txt line 2"):
        Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT)


def test_a_template_without_a_subject_block_is_explained(tmp_path):
    write(tmp_path, "en/introduction.txt", "{% block body %}Hi{% endblock %}")
    with pytest.raises(TemplateError, match="subject block"):
        Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT)


def test_html_alternative_is_autoescaped_and_text_is_not(tmp_path):
    write(tmp_path, "en/introduction.html", "{% block body %}<p>{{ client.first_name }}</p>{% endblock %}")
    context = dict(CONTEXT, client={"first_name": "<script>Sam</script>", "name": "x", "email": "x@y.example"})
    rendered = Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", context)
    assert rendered.html == "<p>&lt;script&gt;Sam&lt;/script&gt;</p>"
    assert "<script>Sam</script>" in rendered.text


def test_subject_is_always_one_line(tmp_path):
    write(tmp_path, "en/introduction.txt", "{% block subject %}\nTwo\nlines {{ client.first_name }}\n{% endblock %}"
                                          "{% block body %}x{% endblock %}")
    assert Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT).subject == "Two lines Sam"
