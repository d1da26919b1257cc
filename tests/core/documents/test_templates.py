"""Templates as data: the shipped ones load, a firm's own replaces one, a broken one is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawyer_desk.core.documents import templates as t
from lawyer_desk.core.errors import InvalidInput, NotFound

SHIPPED = {"ccf-deletion-request", "extradition-court-submission", "case-summary", "authority-letter"}

MINIMAL = """
id = "firm-letter"
title = "Letter for $client_name"
addressee = "ccf"
marking = "CONFIDENTIAL"

[[section]]
key = "body"
heading = "Our request"
before = ["We act for $client_name."]
blocks = ["exhibits"]
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_templates_load(templates: t.TemplateSet) -> None:
    assert set(templates.ids()) == SHIPPED
    ccf = templates.get("ccf-deletion-request")
    assert ccf.addressee == "ccf" and ccf.numbered_paragraphs
    assert [s.key for s in ccf.sections][-1] == "exhibits"
    assert templates.get("authority-letter").one_per == "notification"
    assert templates.origin("case-summary").name == "case-summary.toml"


def test_every_shipped_template_names_its_sections_and_grounds_in_words(templates: t.TemplateSet) -> None:
    for template in templates:
        assert template.marking and template.title
        assert all(section.heading for section in template.sections)
        assert sum(section.blocks.count("exhibits") for section in template.sections) == 1, template.id
        for spec in template.grounds.values():
            assert spec.heading and all(spec.text)


def test_the_readme_lists_every_placeholder_and_block() -> None:
    readme = (t.shipped_templates_dir() / "README.md").read_text(encoding="utf-8")
    for name in t.PLACEHOLDERS:
        assert f"${name}" in readme, name
    for name in t.BLOCKS:
        assert f"`{name}`" in readme, name


def test_an_unknown_template_names_the_known_ones(templates: t.TemplateSet) -> None:
    with pytest.raises(NotFound, match="no brief template 'ccf'; the templates are: authority-letter"):
        templates.get("ccf")


def test_a_firms_file_replaces_the_shipped_one_of_the_same_id(tmp_path: Path) -> None:
    own = write(tmp_path / "templates", "mine.toml",
                MINIMAL.replace('"firm-letter"', '"case-summary"').replace("Letter for", "Summary for"))
    write(tmp_path / "templates", "extra.toml", MINIMAL)
    loaded = t.load_templates(tmp_path / "templates")
    assert set(loaded.ids()) == SHIPPED | {"firm-letter"}
    assert loaded.get("case-summary").title == "Summary for $client_name"
    assert loaded.origin("case-summary") == own


def test_placeholders_are_filled() -> None:
    assert t.fill("For $client_name ($$100)", {"client_name": "Idris Mamut"}) == "For Idris Mamut ($100)"


@pytest.mark.parametrize(("change", "message"), [
    (('blocks = ["exhibits"]', 'blocks = ["exhibits", "weather"]'),
     "section 'body': field 'blocks': unknown block 'weather'"),
    (("We act for $client_name.", "We act for $client."), "unknown placeholder $client (known: client_name"),
    (("We act for $client_name.", "Fee: 100 $ only."), "a '$' must start a placeholder"),
    (('addressee = "ccf"', 'addressee = "press"'), "field 'addressee'"),
    (('marking = "CONFIDENTIAL"\n', ""), "field 'marking': missing"),
    (('id = "firm-letter"', 'id = "Firm Letter"'), "field 'id': use lower-case letters"),
    (('blocks = ["exhibits"]', 'blocks = ["exhibits", "notes"]'), "block(s) notes belong only in internal documents"),
    (('heading = "Our request"', 'heading = "Our request"\ncolour = "red"'), "field 'colour'"),
    (('[[section]]', 'other_arguments = "grounds"\n[[section]]'), "other_arguments names 'grounds'"),
    (('blocks = ["exhibits"]', 'blocks = ["exhibits"]\n[[section]]\nkey = "body"\nheading = "Again"'),
     "two sections have the key 'body'"),
    (("[[section]]", "[[section]\n"), "not a valid TOML file"),
])
def test_a_malformed_template_is_refused_with_where_and_why(tmp_path: Path, change: tuple[str, str],
                                                           message: str) -> None:
    assert change[0] in MINIMAL
    path = write(tmp_path / "templates", "broken.toml", MINIMAL.replace(*change))
    with pytest.raises(InvalidInput) as raised:
        t.load_templates(tmp_path / "templates")
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_two_files_of_one_folder_with_one_id_are_refused(tmp_path: Path) -> None:
    write(tmp_path / "templates", "a.toml", MINIMAL)
    second = write(tmp_path / "templates", "b.toml", MINIMAL)
    with pytest.raises(InvalidInput, match=f"{second}: template id 'firm-letter' is also used by"):
        t.load_templates(tmp_path / "templates")


def test_an_unreadable_template_file(tmp_path: Path) -> None:
    path = write(tmp_path / "templates", "latin1.toml", "")
    path.write_bytes(b'id = "caf\xe9"\n')
    with pytest.raises(InvalidInput, match="cannot be read"):
        t.load_templates(tmp_path / "templates")
