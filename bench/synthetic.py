"""Synthetic data shaped like natograph's curated graph, at a chosen number of triples.

Countries, an alliance with its memberships, partnership structures (frameworks, councils,
special structures, partner groups), partnership memberships with start/end dates or earliest
attestations, suspensions, initiatives with participations, sources and claims, labels in English
and French: only terms the ontology defines (ngo:...), under the project's own IRI namespaces
with a `syn-` / `SYN` prefix so they never collide with curated resources.

Written directly as N-Triples (one f-string per triple): 10^6 triples take a few seconds.
Deterministic for a given size and seed.

    python -m bench.synthetic 100000 /tmp/synth.nt
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

BASE = "https://w3id.org/natograph/"
NGO = BASE + "ontology/"
NG = BASE + "id/"
NGC = BASE + "id/country/"
NGM = BASE + "id/membership/"
NGS = BASE + "id/source/"
NGCL = BASE + "id/claim/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DESCRIPTION = "<http://purl.org/dc/terms/description>"
TITLE = "<http://purl.org/dc/terms/title>"
XSD = "http://www.w3.org/2001/XMLSchema#"
UNIT_YEAR = "<http://www.w3.org/2006/time#unitYear>"

STRUCTURE_KINDS = ("PartnershipFramework", "PartnershipCouncil", "SpecialStructure", "PartnerGroup")

# Share of the triples each kind of resource gets, and roughly how many triples one takes.
_SHARES = {
    "country": (0.08, 7),
    "source": (0.03, 8),
    "structure": (0.02, 7),
    "initiative": (0.01, 6),
    "alliance": (0.03, 5),
    "membership": (0.52, 6.2),
    "suspension": (0.05, 6.5),
    "participation": (0.14, 5),
    "claim": (0.12, 9),
}


def o(local: str) -> str:
    return f"<{NGO}{local}>"


def iri(value: str) -> str:
    return f"<{value}>"


def lit(value: str, lang: str | None = None) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def date(value: str) -> str:
    return f'"{value}"^^<{XSD}date>'


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def country_iri(i: int) -> str:
    return iri(f"{NGC}SYN{i:06d}")


def structure_iri(i: int) -> str:
    return iri(f"{NG}syn-structure-{i}")


def counts(target: int) -> dict[str, int]:
    """How many resources of each kind make about `target` triples."""
    out = {kind: max(2, round(target * share / size)) for kind, (share, size) in _SHARES.items()}
    out["country"] = max(out["country"], 10)
    out["structure"] = max(out["structure"], len(STRUCTURE_KINDS))
    return out


def _random_date(rng: random.Random, first: int = 1949, last: int = 2024) -> str:
    return f"{rng.randint(first, last):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(target: int, write: Callable[[str], object], seed: int = 7) -> int:
    """Write about `target` triples as N-Triples lines through `write`; return the exact count."""
    rng = random.Random(seed)
    n = counts(target)
    written = 0

    def t(s: str, p: str, obj: str) -> None:
        nonlocal written
        write(f"{s} {p} {obj} .\n")
        written += 1

    sources = [iri(f"{NGS}SYN-{i}") for i in range(n["source"])]
    for i, s in enumerate(sources):
        t(s, RDF_TYPE, o("SourceDocument"))
        t(s, LABEL, lit(f"Synthetic source {i}", "en"))
        t(s, TITLE, lit(f"Synthetic fact sheet number {i}"))
        t(s, o("sourceKey"), lit(f"SYN-{i}"))
        t(s, o("publisherName"), lit(f"Publisher {i % 7}"))
        t(s, o("date"), date(_random_date(rng, 1990)))
        t(s, o("datePrecision"), UNIT_YEAR)
        t(s, o("confidence"), o(rng.choice(("Confirmed", "MediumConfidence", "Unconfirmed"))))

    def sourced(s: str, k: int = 1) -> None:
        for src in rng.sample(sources, min(k, len(sources))):
            t(s, o("source"), src)

    countries = [country_iri(i) for i in range(n["country"])]
    for i, c in enumerate(countries):
        t(c, RDF_TYPE, o("Country"))
        t(c, LABEL, lit(f"Country {i}", "en"))
        t(c, LABEL, lit(f"Pays {i}", "fr"))
        t(c, o("iso3166Alpha3"), lit(f"S{i:06d}"))
        sourced(c, 2)
        t(c, o("wikidataEntity"), iri(f"http://www.wikidata.org/entity/Q{900000 + i}"))

    alliance = iri(f"{NG}syn-alliance")
    t(alliance, RDF_TYPE, o("Alliance"))
    t(alliance, LABEL, lit("Synthetic Alliance", "en"))
    t(alliance, LABEL, lit("Alliance synthétique", "fr"))
    t(alliance, o("startDate"), date("1949-08-24"))

    structures = [structure_iri(i) for i in range(n["structure"])]
    for i, s in enumerate(structures):
        kind = STRUCTURE_KINDS[i % len(STRUCTURE_KINDS)]
        t(s, RDF_TYPE, o(kind))
        t(s, LABEL, lit(f"Structure {i}", "en"))
        t(s, LABEL, lit(f"Structure {i} (fr)", "fr"))
        t(s, o("acronym"), lit(f"S{i}", "en"))
        t(s, DESCRIPTION, lit(f"A synthetic {kind} number {i}.", "en"))
        t(s, o("startDate"), date(_random_date(rng, 1991, 2010)))
        sourced(s)

    initiatives = [iri(f"{NG}syn-initiative-{i}") for i in range(n["initiative"])]
    for i, s in enumerate(initiatives):
        t(s, RDF_TYPE, o("Initiative" if i % 2 else "PartnershipTool"))
        t(s, LABEL, lit(f"Initiative {i}", "en"))
        t(s, LABEL, lit(f"Initiative {i} (fr)", "fr"))
        t(s, o("startDate"), date(_random_date(rng, 1994, 2020)))
        t(s, o("launchedAt"), iri(f"{NG}syn-summit-{i % 5}"))
        sourced(s)

    for i in range(5):
        summit = iri(f"{NG}syn-summit-{i}")
        t(summit, RDF_TYPE, o("Summit"))
        t(summit, LABEL, lit(f"Summit {i}", "en"))
        t(summit, o("date"), date(_random_date(rng)))

    allies = rng.sample(countries, min(n["alliance"], len(countries)))
    for i, c in enumerate(allies):
        m = iri(f"{NGM}syn-alliance-{i}")
        t(m, RDF_TYPE, o("AllianceMembership"))
        t(m, o("member"), c)
        t(m, o("organisation"), alliance)
        t(m, o("startDate"), date(_random_date(rng)))
        sourced(m)

    memberships = []
    for i in range(n["membership"]):
        m = iri(f"{NGM}syn-m-{i}")
        memberships.append(m)
        t(m, RDF_TYPE, o("PartnershipMembership"))
        t(m, o("member"), rng.choice(countries))
        t(m, o("organisation"), rng.choice(structures))
        if rng.random() < 0.8:
            t(m, o("startDate"), date(_random_date(rng, 1991)))
        else:
            t(m, o("earliestAttestation"), date(_random_date(rng, 1991)))
        if rng.random() < 0.2:
            t(m, o("endDate"), date(_random_date(rng, 2010)))
        sourced(m, 2)

    for i in range(n["suspension"]):
        s = iri(f"{NG}syn-suspension-{i}")
        t(s, RDF_TYPE, o("Suspension"))
        t(s, LABEL, lit(f"Suspension {i}", "en"))
        t(s, o("suspends"), rng.choice(memberships))
        t(s, o("startDate"), date(_random_date(rng, 1995)))
        if rng.random() < 0.5:
            t(s, o("endDate"), date(_random_date(rng, 2015)))
        sourced(s)

    for i in range(n["participation"]):
        p = iri(f"{NGM}syn-p-{i}")
        t(p, RDF_TYPE, o("Participation"))
        t(p, o("participant"), rng.choice(countries))
        t(p, o("programme"), rng.choice(initiatives))
        t(p, o("startDate"), date(_random_date(rng, 1994)))
        sourced(p)

    for i in range(n["claim"]):
        c = iri(f"{NGCL}syn-{i}")
        about = rng.choice(structures)
        value = rng.randint(5, 60)
        t(c, RDF_TYPE, o("Claim"))
        t(c, LABEL, lit(f"Claim {i}: {value} partners", "en"))
        t(c, o("about"), about)
        t(c, o("asOf"), date(_random_date(rng, 2000)))
        t(c, o("claimedProperty"), o("count"))
        t(c, o("claimedValue"), integer(value))
        t(c, o("statement"), lit(f"The structure has {value} partners.", "en"))
        t(c, o("confidence"), o("MediumConfidence"))
        sourced(c)
    return written


def write_file(target: int, path: Path, seed: int = 7) -> int:
    """Generate into an N-Triples file; return the number of triples written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", buffering=1 << 20) as handle:
        return generate(target, handle.write, seed)


# Representative queries over the synthetic data (full IRIs: no prefixes needed).
LOOKUP = f"ASK {{ {country_iri(0)} ?p ?o }}"

AGGREGATE = f"""SELECT ?structure ?label (COUNT(DISTINCT ?membership) AS ?memberships)
       (COUNT(DISTINCT ?partner) AS ?partners)
WHERE {{
  ?membership a {o("PartnershipMembership")} ;
              {o("organisation")} ?structure ;
              {o("member")} ?partner .
  ?structure {LABEL} ?label .
  FILTER (LANGMATCHES(LANG(?label), "en"))
}}
GROUP BY ?structure ?label
ORDER BY DESC(?memberships) ?label"""

DATED = f"""SELECT ?partner ?label ?start
WHERE {{
  ?membership a {o("PartnershipMembership")} ;
              {o("organisation")} {structure_iri(0)} ;
              {o("member")} ?partner .
  OPTIONAL {{ ?membership {o("startDate")} ?s }}
  OPTIONAL {{ ?membership {o("earliestAttestation")} ?a }}
  BIND (COALESCE(?s, ?a) AS ?start)
  FILTER (?start <= {date("2014-10-16")})
  FILTER NOT EXISTS {{ ?membership {o("endDate")} ?end . FILTER (?end <= {date("2014-10-16")}) }}
  FILTER NOT EXISTS {{
    ?suspension {o("suspends")} ?membership ; {o("startDate")} ?from .
    FILTER (?from <= {date("2014-10-16")})
    FILTER NOT EXISTS {{ ?suspension {o("endDate")} ?to . FILTER (?to <= {date("2014-10-16")}) }}
  }}
  ?partner {LABEL} ?label .
  FILTER (LANGMATCHES(LANG(?label), "en"))
}}
ORDER BY ?start ?label"""

QUERIES = {"lookup": LOOKUP, "aggregate": AGGREGATE, "date-filtered": DATED}


def main(argv: list[str]) -> None:
    target, path = int(float(argv[0])), Path(argv[1])
    print(f"{write_file(target, path)} triples written to {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
