"""The queries the benchmark sends: competency questions, a trivial look-up and heavier queries.

Neither natograph's HTTP endpoint nor rdflib-endpoint takes query parameters, so the declared
defaults of each competency question are put into the text itself, the same way for both systems:
a `VALUES` block injected right after the first `WHERE {`. That is what a client of any SPARQL
endpoint would do; where it changes an answer compared with `natograph query` (which pre-binds
the variable everywhere, also inside OPTIONAL groups), the benchmark says so in its results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from natograph.namespaces import PREFIXES
from natograph.query.text import CompetencyQuestion, competency_questions, expand

XSD = "http://www.w3.org/2001/XMLSchema#"
NGO = PREFIXES["ngo"]

LOOKUP = "ASK { <https://w3id.org/natograph/id/country/UKR> ?p ?o }"

_PROLOGUE = (
    "PREFIX ngo: <https://w3id.org/natograph/ontology/>\n"
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)

# Heavier queries over the curated graph: aggregates, property paths and joins.
HEAVY: dict[str, str] = {
    "class-counts": _PROLOGUE
    + """SELECT ?class (COUNT(DISTINCT ?s) AS ?instances)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?instances) ?class""",
    "subclass-path-counts": _PROLOGUE
    + """SELECT ?ancestor (COUNT(DISTINCT ?s) AS ?instances)
WHERE {
  ?s rdf:type/rdfs:subClassOf* ?ancestor .
  FILTER (STRSTARTS(STR(?ancestor), STR(ngo:)))
}
GROUP BY ?ancestor
ORDER BY DESC(?instances) ?ancestor""",
    "memberships-by-source": _PROLOGUE
    + """SELECT ?key ?publisher (COUNT(DISTINCT ?membership) AS ?memberships)
       (COUNT(DISTINCT ?partner) AS ?partners) (COUNT(DISTINCT ?start) AS ?startDates)
WHERE {
  ?membership a ngo:PartnershipMembership ;
              ngo:member ?partner ;
              ngo:organisation ?structure ;
              ngo:source ?source .
  ?source ngo:sourceKey ?key .
  OPTIONAL { ?source ngo:publisherName ?publisher }
  OPTIONAL { ?membership ngo:startDate ?start }
  ?structure rdfs:label ?label .
}
GROUP BY ?key ?publisher
ORDER BY DESC(?memberships) ?key""",
    "engagements-per-country": _PROLOGUE
    + """SELECT ?country ?label (COUNT(DISTINCT ?engagement) AS ?engagements)
       (COUNT(DISTINCT ?within) AS ?structures)
WHERE {
  ?engagement (ngo:member|ngo:participant|ngo:partnerOrganisation) ?country ;
              (ngo:organisation|ngo:programme) ?within .
  ?country a ngo:Country ; rdfs:label ?label .
  FILTER (LANGMATCHES(LANG(?label), "en"))
}
GROUP BY ?country ?label
ORDER BY DESC(?engagements) ?label""",
}


@dataclass(frozen=True)
class Query:
    """One benchmark query: a name and the exact text sent over HTTP."""

    name: str
    text: str
    note: str = ""


def _term(raw: str, datatype: str) -> str:
    """A parameter's default as SPARQL syntax with full IRIs (no prefix needed)."""
    if datatype == "iri":
        return f"<{expand(raw)}>"
    prefix, _, local = datatype.partition(":")
    iri = PREFIXES[prefix] + local if prefix in PREFIXES else datatype
    escaped = raw.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"^^<{iri}>'


def _blank_comments(text: str) -> str:
    """Comment lines replaced by spaces of the same length, so offsets stay valid."""
    return re.sub(r"(?m)^[ \t]*#.*$", lambda m: " " * len(m.group(0)), text)


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def inject_values(text: str, values: dict[str, str]) -> str:
    """Insert `VALUES ?v { term }` for each parameter right after the first `WHERE {`."""
    if not values:
        return text
    match = _WHERE.search(_blank_comments(text))
    if match is None:
        raise ValueError("no `WHERE {` to inject the parameter values after")
    block = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in values.items())
    return text[: match.end()] + "\n  " + block + "\n" + text[match.end() :]


def substituted(cq: CompetencyQuestion) -> Query:
    values = {p.name: _term(p.default, p.datatype) for p in cq.parameters if p.default is not None}
    return Query(cq.name, inject_values(cq.text, values))


def competency(queries_dir: Path) -> list[Query]:
    return [substituted(cq) for cq in competency_questions(queries_dir)]


def heavy() -> list[Query]:
    return [Query(name, text) for name, text in HEAVY.items()]


def lookup() -> list[Query]:
    return [Query("lookup-ask", LOOKUP)]


def unique(text: str, n: int) -> str:
    """A distinct but equivalent query text: defeats response and parse caches keyed by text."""
    return f"{text}\n# bench request {n}\n"
