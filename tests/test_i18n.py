"""Page languages: Accept-Language negotiation and the message files."""

from __future__ import annotations

from pathlib import Path

import pytest

from natograph.store import OxigraphStore, Solutions
from natograph.web import i18n
from natograph.web.i18n import LANGUAGES, MessageError, messages, negotiate_language, translator
from natograph.web.iri_paths import BadPath, local_path


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("fr", "fr"),
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr"),
        ("de, en;q=0.5", "en"),
        ("de", "en"),
        ("*", "en"),
        ("fr;q=0, en", "en"),
        ("en;q=0.5, fr;q=0.7", "fr"),
        ("en;q=0.5, fr;q=0.5", "en"),
        ("FR-be", "fr"),
        ("fr;q=abc, en;q=0.1", "en"),
        (",,;q=1", "en"),
    ],
)
def test_accept_language(header: str | None, expected: str) -> None:
    assert negotiate_language(header) == expected


def test_every_message_has_both_languages_and_formats() -> None:
    table = messages()
    assert len(table) > 50
    for key, texts in table.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key
    assert translator("fr")("nav_home") == "Accueil"
    with pytest.raises(KeyError):
        translator("en")("no-such-message")


def test_a_message_defined_twice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.toml").write_text('[k]\nen = "a"\nfr = "a"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[k]\nen = "b"\nfr = "b"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "MESSAGES_DIR", tmp_path)
    messages.cache_clear()
    try:
        with pytest.raises(
            MessageError, match=r"b\.toml: message 'k' is already defined in a\.toml"
        ):
            messages()
        (tmp_path / "b.toml").write_text('[j]\nen = "only English"\n', encoding="utf-8")
        messages.cache_clear()
        with pytest.raises(MessageError, match="needs exactly the keys"):
            messages()
    finally:
        monkeypatch.undo()
        messages.cache_clear()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"/id/country/UKR", "id/country/UKR"),
        (b"/", ""),
        (b"/id/C%C3%B4te", "id/C\u00f4te"),  # UTF-8 percent-encoding is an IRI character
        (b"/id/%41%42", "id/AB"),  # unreserved ASCII is normalised
        (b"/id/a%2Fb", "id/a%2Fb"),  # never a segment separator
        (b"/id/a%20b", "id/a%20b"),  # not an IRI character: stays encoded, matches nothing
        (b"/id/%3cscript%3e", "id/%3Cscript%3E"),
        (b"/id/%FF", "id/%FF"),  # not UTF-8
    ],
)
def test_paths_map_to_iri_characters(raw: bytes, expected: str) -> None:
    assert local_path(raw) == expected


@pytest.mark.parametrize("raw", [b"/id/\xc3\xa9", b"/id/a b", b"/id/\x00", b"/id/\x7f"])
def test_paths_an_iri_cannot_come_from_are_refused(raw: bytes) -> None:
    with pytest.raises(BadPath):
        local_path(raw)


def test_long_paths_are_refused() -> None:
    with pytest.raises(ValueError, match="too long"):
        local_path(b"/" + b"a" * 3000)


def test_every_country_has_its_iso_french_name(store: OxigraphStore) -> None:
    """French country labels are ISO 3166-1's French names (iso-codes via pycountry), written
    by scripts/country-names-fr.py: this fails when one drifts or a country lacks one."""
    import gettext

    import pycountry

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    rows = store.query(
        """SELECT ?code (GROUP_CONCAT(?fr; SEPARATOR="|") AS ?labels) WHERE {
             ?c a ngo:Country ; ngo:iso3166Alpha3 ?code .
             OPTIONAL { ?c rdfs:label ?fr FILTER (LANG(?fr) = "fr") }
           } GROUP BY ?code"""
    )
    assert isinstance(rows, Solutions)
    found = {row[0].value: row[1].value for row in rows}
    assert len(found) >= 73
    for code, labels in found.items():
        country = pycountry.countries.get(alpha_3=code)
        assert country is not None, f"{code} is not an ISO 3166-1 code"
        assert labels == french.gettext(country.name), code


def test_french_class_and_property_labels_do_not_collide() -> None:
    """Each ontology term has its own French name, and membership is never "adhésion", which
    in NATO's French means accession (becoming an Ally), a different thing."""
    from collections import Counter

    from rdflib import Graph
    from rdflib.namespace import OWL, RDF, RDFS

    ontology = Graph().parse(Path(__file__).resolve().parents[1] / "ontology" / "natograph.ttl")
    # A class and the property pointing at it may share a name (ngo:CoreTask, ngo:coreTask).
    for kinds in ((OWL.Class,), (OWL.ObjectProperty, OWL.DatatypeProperty)):
        terms = {t for kind in kinds for t in ontology.subjects(RDF.type, kind)}
        french = [
            str(label).casefold()
            for term, label in ontology.subject_objects(RDFS.label)
            if term in terms and getattr(label, "language", None) == "fr"
        ]
        assert [name for name, n in Counter(french).items() if n > 1] == [], kinds
        assert "adhésion" not in french
