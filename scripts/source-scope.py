"""Record in data/sources.ttl, for every source, the countries and structures it names.

A citation is only as good as what the source covers: the 2014 page gives the EAPC's size but
names none of its partners, so it cannot support "Armenia was an EAPC partner". To check that
(tests/test_source_scope.py), every source records the resources it names (`ngo:names`). The
scope is read off the evidence, never typed by hand:

- the two source texts in ../shared/sources (S000, S004): every name they contain;
- the fact sheet (FACTS.md): for each key, the names in the lines that cite it, plus the
  heading line of their paragraph (a table takes the keys of the paragraph above it);
- the research notes (docs/research/*.md): for each page (matched to its ngs:W-… source by
  URL), the names in the subject and fact columns of the rows that cite it.

A name is any English label, alternative label or acronym of a country, organisation or
partnership structure in the graph, matched as a whole word. Run it
(`.venv/bin/python scripts/source-scope.py`, then `natograph fmt data/sources.ttl`) after adding
sources or research notes.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from natograph.namespaces import NG, NGC, NGO, NGS

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "sources"
SOURCES = ROOT / "data" / "sources.ttl"
TEXTS = {"S000": "nato-partnerships-2014.txt", "S004": "fasola-retooling-partnerships-2024.txt"}
TABLE_KEYS = {
    "Euro-Atlantic Partnership Council / Partnership for Peace (22)": ("EAPC-LISTS", "PFP-DATES")
}
"""Fact-sheet paragraphs that name, in words, the project keys their table is cited as."""
NAMED_KINDS = ("Country", "Organisation", "PartnershipStructure", "PartnershipTool", "Initiative")


def graph() -> Graph:
    g = Graph()
    for path in sorted([*(ROOT / "data").glob("*.ttl"), ROOT / "ontology" / "natograph.ttl"]):
        g.parse(path)
    return g


def namable(g: Graph) -> dict[str, set[URIRef]]:
    """Every English name (label, alternative label, acronym) -> the resources it names."""
    kinds = set()
    for kind in NAMED_KINDS:
        kinds |= set(g.transitive_subjects(RDFS.subClassOf, NGO[kind]))
    found: dict[str, set[URIRef]] = defaultdict(set)
    for kind in kinds:
        for subject in g.subjects(RDF.type, kind):
            if not isinstance(subject, URIRef):
                continue
            for prop in (RDFS.label, SKOS.altLabel, NGO.acronym):
                for name in g.objects(subject, prop):
                    if isinstance(name, Literal) and name.language in ("en", None):
                        found[str(name)].add(subject)
    return found


def names_in(text: str, names: dict[str, set[URIRef]]) -> set[URIRef]:
    found: set[URIRef] = set()
    for name, subjects in names.items():
        if len(name) < 2:
            continue
        if re.search(rf"(?<!\w){re.escape(name)}(?![\w-])", text):
            found |= subjects
    return found


def fact_sheet_blocks(text: str) -> Iterator[tuple[set[str], str]]:
    """(keys cited, text they cover) for each line of the fact sheet that cites a key."""
    keys_pattern = re.compile(r"\b(S000|S004|P\d+b?|M)\b")
    paragraphs = re.split(r"\n\s*\n", text)
    previous_keys: set[str] = set()
    for paragraph in paragraphs:
        lines = paragraph.strip().splitlines()
        if not lines:
            continue
        head = lines[0] if not lines[0].startswith(("- ", "|", "#")) else ""
        if lines[0].startswith("|"):
            yield previous_keys, paragraph
            continue
        extra = {k for title, ks in TABLE_KEYS.items() if title in paragraph for k in ks}
        previous_keys = set(extra)
        for line in lines:
            if line.startswith("#"):
                continue
            cited = set(keys_pattern.findall(line)) | extra
            previous_keys |= cited
            if cited:
                yield cited, line + "\n" + head


def research_rows(folder: Path) -> Iterator[tuple[str, str, str]]:
    """(page key, URL or "", covered text) from the notes' tables: pages first, then facts."""
    for path in sorted(folder.glob("*.md")):
        heading = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                heading = (
                    line  # "### (1) Partnership for Peace signatures": what the rows are about
                )
            if not line.startswith("| ") or line.startswith("|---"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 2 and re.match(r"https?://", cells[1]):
                yield cells[0], cells[1], ""
            elif len(cells) >= 5:
                # The source column, and the note column's "T-… gives the same day" (page keys
                # are a capital letter and a hyphen: N-, T-, W-, X-, S-, D-…).
                cited = " ".join(cells[4:5] + cells[6:7])
                for key in re.findall(r"\b[A-Z]-[A-Z0-9-]+\b", cited):
                    yield key, "", f"{heading}\n{cells[0]} {cells[1]}"


def scope(g: Graph) -> dict[URIRef, set[URIRef]]:
    names = namable(g)
    out: dict[URIRef, set[URIRef]] = defaultdict(set)
    for key, filename in TEXTS.items():
        out[NGS[key]] |= names_in((SHARED / filename).read_text(encoding="utf-8"), names)
    for keys, text in fact_sheet_blocks((SHARED / "FACTS.md").read_text(encoding="utf-8")):
        found = names_in(text, names)
        for key in keys:
            if key not in TEXTS:
                out[NGS[key]] |= found
    by_url = {
        _page(str(url)): s
        for s, url in g.subject_objects(NGO.url)
        if (s, RDF.type, NGO.SourceDocument) in g
    }
    page_source: dict[str, URIRef] = {}
    covered: dict[str, list[str]] = defaultdict(list)
    for key, url, text in research_rows(ROOT / "docs" / "research"):
        if url and _page(url) in by_url:
            page_source[key] = by_url[_page(url)]
        elif text:
            covered[key].append(text)
    for key, source in page_source.items():
        out[source] |= names_in("\n".join(covered[key]), names)
    return {s: found for s, found in out.items() if found}


def _page(url: str) -> str:
    """A page's address without its query (nato.int's ?selectedLocale= picks a menu language)."""
    return url.split("?", 1)[0].rstrip("/")


def write(result: dict[URIRef, set[URIRef]], path: Path) -> None:
    """Replace every ngo:names in the sources file with `result`, keeping its header comment."""
    text = path.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    g = Graph().parse(data=text, format="turtle")
    g.remove((None, NGO.names, None))
    described = set(g.subjects(RDF.type, None))
    for source, found in result.items():
        if source in described:
            for resource in found:
                g.add((source, NGO.names, resource))
    g.bind("ng", NG)
    g.bind("ngc", NGC)
    path.write_text(header + "\n" + g.serialize(format="turtle"), encoding="utf-8")


def main(argv: Iterable[str]) -> int:
    del argv
    write(scope(graph()), SOURCES)
    print(f"wrote {SOURCES.relative_to(ROOT)}; now run natograph fmt {SOURCES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
