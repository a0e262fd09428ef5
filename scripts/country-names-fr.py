"""Write every country's French label into data/countries.ttl from ISO 3166-1's French names.

The names come from the iso-codes project's translations, shipped by pycountry (a dev
dependency), so they are never typed by hand; tests/test_i18n.py checks that the committed
labels are still exactly these. Run it (`.venv/bin/python scripts/country-names-fr.py`, then
`natograph fmt`) after adding a country or upgrading pycountry.
"""

from __future__ import annotations

import gettext
import sys
from pathlib import Path

import pycountry
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from natograph.namespaces import NGO, NGS

ROOT = Path(__file__).resolve().parents[1]
COUNTRIES = ROOT / "data" / "countries.ttl"
SOURCE = NGS["ISO-FR"]


def french_name(alpha3: str) -> str | None:
    """ISO 3166-1's French short name of a country, or None when ISO has no such code."""
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        return None
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    return french.gettext(country.name)


def main() -> int:
    text = COUNTRIES.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in _leading_comments(text))
    graph = Graph().parse(data=text, format="turtle")
    missing = []
    for country, code in graph.subject_objects(NGO.iso3166Alpha3):
        name = french_name(str(code))
        if name is None:
            missing.append(str(code))
            continue
        for label in list(graph.objects(country, RDFS.label)):
            if isinstance(label, Literal) and label.language == "fr":
                graph.remove((country, RDFS.label, label))
        graph.add((country, RDFS.label, Literal(name, lang="fr")))
        graph.add((country, NGO.source, SOURCE))
    for prefix, namespace in Graph().parse(data=text, format="turtle").namespaces():
        graph.bind(prefix, namespace)
    COUNTRIES.write_text(header + "\n" + graph.serialize(format="turtle"), encoding="utf-8")
    if missing:
        print(f"no ISO 3166-1 entry for {', '.join(sorted(missing))}", file=sys.stderr)
    return 0


def _leading_comments(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


if __name__ == "__main__":
    sys.exit(main())
