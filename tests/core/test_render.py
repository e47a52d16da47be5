"""Rendering: shipped templates, operator overrides, language fallback, StrictUndefined, autoescaped HTML."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from introbot.core.render import Renderer, TemplateError, practitioner_folder
from introbot.model import Kind
from tests.core.template_samples import LANGUAGES, sample_context

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
    assert rendered.body_words < 120
    assert '<a href="https://bodywork.example"' in rendered.html
    assert rendered.html.endswith("-- <br>\nIntro Assistant, on behalf of Dr. Ada Lee</p>")


def test_an_operator_overrides_one_file_and_keeps_the_rest(tmp_path):
    write(tmp_path, "en/introduction.txt", "{% block subject %}Hello {{ client.first_name }}{% endblock %}"
                                          "{% block body %}Short.{% endblock %}")
    renderer = Renderer(SHIPPED, tmp_path)
    assert renderer.render(Kind.INTRODUCTION, "en", CONTEXT).subject == "Hello Sam"
    assert "shall I introduce you" in renderer.render(Kind.ASK_CLIENT, "en", CONTEXT).subject


def test_a_language_without_its_own_file_falls_back_to_english(tmp_path):
    write(tmp_path, "nl/introduction.txt", "{% block subject %}Hallo{% endblock %}{% block body %}Ja.{% endblock %}")
    renderer = Renderer(SHIPPED, tmp_path)
    assert renderer.render(Kind.INTRODUCTION, "nl", CONTEXT).subject == "Hallo"
    assert renderer.render(Kind.ASK_CLIENT, "nl", CONTEXT).subject.startswith("Dr. Ada Lee suggests")


def test_a_missing_variable_names_the_file_and_line(tmp_path):
    write(tmp_path, "en/introduction.txt", "{% block subject %}Hi{% endblock %}\n{% block body %}\nline two\n"
                                          "{{ client.surname }}\n{% endblock %}")
    with pytest.raises(TemplateError) as error:
        Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT)
    message = str(error.value)
    assert "introduction.txt line 4" in message and "client.surname is undefined" in message
    assert "this message has only: bot, client, colleague, intro_id, referrer" in message


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
    assert rendered.html.startswith("<p>&lt;script&gt;Sam&lt;/script&gt;</p>\n")
    assert "<script>Sam</script>" in rendered.text


def test_subject_is_always_one_line(tmp_path):
    write(tmp_path, "en/introduction.txt", "{% block subject %}\nTwo\nlines {{ client.first_name }}\n{% endblock %}"
                                          "{% block body %}x{% endblock %}")
    assert Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT).subject == "Two lines Sam"


# Every language, every kind

@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_language_has_every_kind_a_signature_and_an_html_introduction(language):
    files = [f"{k.value}.txt" for k in Kind] + ["_signature.txt", "introduction.html"]
    assert [f for f in files if not (SHIPPED / language / f).is_file()] == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_every_kind_renders_in_every_language_from_its_own_files(kind, language):
    rendered = Renderer(SHIPPED).render(kind, language, sample_context(kind))
    assert rendered.subject.strip() and "\n" not in rendered.subject
    assert rendered.text.split("\n-- \n")[0].strip()
    assert rendered.sources[0] == str(SHIPPED / language / f"{kind.value}.txt")
    assert rendered.sources[1] == str(SHIPPED / language / "_signature.txt")
    if kind is Kind.INTRODUCTION:
        assert rendered.body_words < 120
        assert rendered.sources[2:] == (str(SHIPPED / language / "introduction.html"),)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failure_after_the_introduction_tells_the_referrer_who_it_did_reach(language):
    stopped = Renderer(SHIPPED).render(Kind.REFERRER_FAILED, language, sample_context(Kind.REFERRER_FAILED)).text
    reached = Renderer(SHIPPED).render(Kind.REFERRER_FAILED, language,
                                       sample_context(Kind.REFERRER_FAILED, reached="Sam Rivera")).text
    assert "Sam Rivera" in reached and "Sam Rivera" not in stopped


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("missing, options", [("colleague", []), ("client", [])])
def test_every_question_to_the_referrer_renders(language, missing, options):
    context = sample_context(Kind.CLARIFY, missing=missing, options=options)
    body = Renderer(SHIPPED).render(Kind.CLARIFY, language, context).text.split("\n-- \n")[0]
    assert "Sam Rivera" in body and "maya@" not in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_colleague_offered_is_a_did_you_mean_question_without_a_number(language):
    one = sample_context(Kind.CLARIFY)["options"][:1]
    body = Renderer(SHIPPED).render(Kind.CLARIFY, language, sample_context(Kind.CLARIFY, options=one)).text
    several = Renderer(SHIPPED).render(Kind.CLARIFY, language, sample_context(Kind.CLARIFY)).text
    assert "maya@bodywork.example" in body and "1." not in body and "1." in several


@pytest.mark.parametrize("language", LANGUAGES)
def test_asks_read_well_without_first_names(language):
    context = sample_context(Kind.ASK_COLLEAGUE, client={"first_name": ""}, note="",
                             colleague=dict(sample_context(Kind.ASK_COLLEAGUE)["colleague"], first_name=""))
    body = Renderer(SHIPPED).render(Kind.ASK_COLLEAGUE, language, context).text
    assert " ," not in body and "  " not in body and "\n\n\n" not in body


@pytest.mark.parametrize("first_name, conjunction", [("Isabel", "e"), ("Íñigo", "e"), ("Hilda", "e"), ("Maya", "y"),
                                                      ("Yolanda", "y"), ("Hugo", "y"), ("Uxue", "y")])
def test_spanish_writes_e_for_and_before_an_i_sound(first_name, conjunction):
    colleague = dict(sample_context(Kind.INTRODUCTION)["colleague"], first_name=first_name, name=f"{first_name} Ruiz")
    both = f"Sam {conjunction} {first_name}"
    renderer = Renderer(SHIPPED)
    introduction = renderer.render(Kind.INTRODUCTION, "es", sample_context(Kind.INTRODUCTION, colleague=colleague))
    assert f"Hola, {both}:" in introduction.text and f"Hola, {both}:" in introduction.html
    for kind in (Kind.REFERRER_SENT, Kind.REFERRER_DECLINED, Kind.REFERRER_EXPIRED, Kind.CANCELLED):
        assert renderer.render(kind, "es", sample_context(kind, colleague=colleague)).subject.endswith(both)
    sent = renderer.render(Kind.REFERRER_SENT, "es", sample_context(Kind.REFERRER_SENT, colleague=colleague)).text
    assert f"Sam Rivera {conjunction} {first_name} Ruiz han dicho que sí" in sent
    status = sample_context(Kind.STATUS, requests=[{"id": "k3x9q2ab", "client": "Sam Rivera", "colleague": f"{first_name} Ruiz",
                                                    "waiting_for": "", "age_days": 1}])
    assert f"Sam Rivera {conjunction} {first_name} Ruiz:" in renderer.render(Kind.STATUS, "es", status).text


def test_a_regional_language_uses_its_language_and_a_malformed_one_english(tmp_path):
    renderer = Renderer(SHIPPED)
    assert renderer.render(Kind.INTRODUCTION, "fr-CA", CONTEXT).subject == "Sam, je vous présente Maya"
    assert renderer.render(Kind.INTRODUCTION, "de_AT", CONTEXT).subject.startswith("Sam, darf ich vorstellen")
    for odd in ("../fr", "fr/../../etc", "", "français"):
        assert renderer.render(Kind.INTRODUCTION, odd, CONTEXT).subject == "Sam, meet Maya"
    write(tmp_path, "fr-ca/introduction.txt", "{% block subject %}Allô{% endblock %}{% block body %}x{% endblock %}")
    assert Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "fr-CA", CONTEXT).subject == "Allô"


# Per-practitioner wording

MAYA = "maya@bodywork.example"
LEVELS = {"practitioner, in the reader's language": f"practitioners/{MAYA}/fr/introduction.txt",
          "practitioner, any language": f"practitioners/{MAYA}/introduction.txt",
          "operator, in the reader's language": "fr/introduction.txt"}


def subject_file(folder: Path, name: str, subject: str) -> None:
    write(folder, name, f"{{% block subject %}}{subject}{{% endblock %}}{{% block body %}}Body.{{% endblock %}}")


def test_the_most_specific_file_wins_and_each_removal_reveals_the_next(tmp_path):
    for level, name in LEVELS.items():
        subject_file(tmp_path, name, level)
    subject_file(tmp_path, f"practitioners/{MAYA}/en/introduction.txt", "practitioner, in English")
    subject_file(tmp_path, "en/introduction.txt", "operator, in English")
    renderer = Renderer(SHIPPED, tmp_path)
    for level, name in LEVELS.items():
        rendered = renderer.render(Kind.INTRODUCTION, "fr", CONTEXT, practitioner=MAYA)
        assert rendered.subject == level and rendered.sources[0] == str(tmp_path / name)
        (tmp_path / name).unlink()
    # Shipped French comes before anybody's English: the reader's language matters most.
    assert renderer.render(Kind.INTRODUCTION, "fr", CONTEXT, practitioner=MAYA).subject == "Sam, je vous présente Maya"
    assert renderer.render(Kind.INTRODUCTION, "nl", CONTEXT, practitioner=MAYA).subject == "practitioner, in English"
    assert renderer.render(Kind.INTRODUCTION, "nl", CONTEXT, practitioner="ada@clinic.example").subject == \
        "operator, in English"
    assert renderer.render(Kind.INTRODUCTION, "nl", CONTEXT).subject == "operator, in English"


def test_template_names_lists_the_search_order(tmp_path):
    names = Renderer(SHIPPED, tmp_path).template_names(Kind.ASK_CLIENT, "fr-CA", practitioner=" Maya@BodyWork.Example ")
    own = f"override/practitioners/{MAYA}"
    assert names == [f"{own}/fr-ca/ask_client.txt", f"{own}/fr/ask_client.txt", f"{own}/ask_client.txt",
                     "override/fr-ca/ask_client.txt", "override/fr/ask_client.txt",
                     "shipped/fr-ca/ask_client.txt", "shipped/fr/ask_client.txt",
                     f"{own}/en/ask_client.txt", "override/en/ask_client.txt", "shipped/en/ask_client.txt"]
    assert Renderer(SHIPPED).template_names(Kind.ASK_CLIENT, "en", practitioner=MAYA) == ["shipped/en/ask_client.txt"]


def test_a_practitioner_folder_is_found_whatever_the_case_of_the_address(tmp_path):
    subject_file(tmp_path, f"practitioners/{MAYA}/introduction.txt", "Maya's own")
    rendered = Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT, practitioner="Maya@BodyWork.EXAMPLE")
    assert rendered.subject == "Maya's own"


def test_a_practitioner_signature_replaces_the_standard_one(tmp_path):
    write(tmp_path, f"practitioners/{MAYA}/_signature.txt", "Maya Chen\nMassage therapy, Tuesdays to Saturdays")
    renderer = Renderer(SHIPPED, tmp_path)
    rendered = renderer.render(Kind.INTRODUCTION, "de", CONTEXT, practitioner=MAYA)
    assert rendered.text.endswith("\n-- \nMaya Chen\nMassage therapy, Tuesdays to Saturdays\n")
    assert rendered.text.startswith("Hallo Sam und Maya,")
    assert rendered.html.endswith("-- <br>\nMaya Chen<br>\nMassage therapy, Tuesdays to Saturdays</p>")
    assert rendered.sources == (str(SHIPPED / "de/introduction.txt"), str(tmp_path / f"practitioners/{MAYA}/_signature.txt"),
                                str(SHIPPED / "de/introduction.html"))
    assert renderer.render(Kind.INTRODUCTION, "de", CONTEXT).text.endswith("im Auftrag von Dr. Ada Lee\n")


def test_reworded_text_never_travels_with_a_less_specific_html_part(tmp_path):
    subject_file(tmp_path, f"practitioners/{MAYA}/introduction.txt", "Maya's own")
    renderer = Renderer(SHIPPED, tmp_path)
    assert renderer.render(Kind.INTRODUCTION, "en", CONTEXT, practitioner=MAYA).html is None
    write(tmp_path, f"practitioners/{MAYA}/en/introduction.html", "{% block body %}<p>Maya's own</p>{% endblock %}")
    rendered = renderer.render(Kind.INTRODUCTION, "en", CONTEXT, practitioner=MAYA)
    assert rendered.html.startswith("<p>Maya's own</p>")
    assert rendered.sources[2] == str(tmp_path / f"practitioners/{MAYA}/en/introduction.html")


@pytest.mark.parametrize("address", ["../x", "a/b@c.example", "../../en@x", "..@x.example", "a@b/../..", "a\\b@c",
                                     ".hidden@x.example", "no-at-sign", "two@at@x.example", "a@b\x00c", ""])
def test_an_address_that_could_leave_the_practitioners_folder_names_no_folder(tmp_path, address):
    assert practitioner_folder(address) is None
    subject_file(tmp_path, "en/introduction.txt", "operator")
    subject_file(tmp_path, "x/introduction.txt", "outside")
    subject_file(tmp_path, "practitioners/x/introduction.txt", "outside")
    rendered = Renderer(SHIPPED, tmp_path / "practitioners").render(Kind.INTRODUCTION, "en", CONTEXT, practitioner=address)
    assert rendered.subject == "Sam, meet Maya"
    assert Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT, practitioner=address).subject == "operator"


@given(st.text())
def test_a_practitioner_folder_is_always_one_plain_folder_name(address):
    folder = practitioner_folder(address)
    if folder is not None:
        root = Path("/srv/templates/practitioners")
        assert (root / folder).parent == root and folder not in (".", "..") and "/" not in folder
        assert folder == folder.lower() and folder.count("@") == 1


# Errors an operator can act on

def test_a_missing_variable_in_a_practitioner_file_names_file_line_and_variable_but_not_the_address(tmp_path):
    write(tmp_path, f"practitioners/{MAYA}/fr/ask_colleague.txt",
          "{% block subject %}Bonjour{% endblock %}\n{% block body %}\nBonjour,\n\n{{ client.name }} vous attend.\n"
          "{% endblock %}")
    with pytest.raises(TemplateError) as error:
        Renderer(SHIPPED, tmp_path).render(Kind.ASK_COLLEAGUE, "fr", sample_context(Kind.ASK_COLLEAGUE),
                                           practitioner=MAYA)
    message = str(error.value)
    assert f"{tmp_path}/practitioners/<practitioner>/fr/ask_colleague.txt line 5: client.name is undefined" in message
    assert MAYA not in message and "bodywork" not in message


def test_a_missing_top_level_variable_is_named(tmp_path):
    write(tmp_path, "en/_signature.txt", "{{ bot.name }}\n{{ practice }}")
    with pytest.raises(TemplateError, match=r"en/_signature.txt line 2: 'practice' is undefined"):
        Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT)


def test_a_syntax_error_in_a_practitioner_file_hides_the_address(tmp_path):
    write(tmp_path, f"practitioners/{MAYA}/introduction.txt", "{% block subject %}Hi{% endblock %}\n{% block body %}{{ x }\n")
    with pytest.raises(TemplateError) as error:
        Renderer(SHIPPED, tmp_path).render(Kind.INTRODUCTION, "en", CONTEXT, practitioner=MAYA)
    assert str(error.value).startswith(f"{tmp_path}/practitioners/<practitioner>/introduction.txt line 2: ")


def test_a_kind_without_any_template_says_which_file_to_add(tmp_path):
    with pytest.raises(TemplateError, match=r"add en/missing_kind.txt"):
        Renderer(tmp_path / "empty").render("missing_kind", "fr", CONTEXT)
