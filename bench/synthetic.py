"""Synthetic data shaped like natograph's curated graph, at a chosen number of triples.

Countries, NATO with its Alliance memberships, partnership structures (frameworks, councils,
special structures, partner groups), partnership memberships with start dates or earliest
attestations and some end dates, suspensions, initiatives and partnership tools with
participations, the summits that launched them, sources and claims, labels in English and
French: only terms the ontology defines (ngo:...), under the project's own IRI namespaces.

The data conforms to the project's SHACL shapes (shapes/natograph.ttl, validated with the
ontology as natograph check does: no violations, warnings or infos), so that it can also be used
to time SHACL validation of a graph that would pass a build:

- a country is ngc: and a three-letter code, its index in base 26 (ngc:AAA, ngc:AAB, ...),
  with the same code as its ngo:iso3166Alpha3; these codes may also be real ISO codes, so the
  synthetic data is not to be loaded next to the curated data. 26^3 codes cap the size at about
  1.5 million triples (`counts` raises ValueError above that);
- every Alliance membership is of ng:nato, the one curated IRI the data reuses (described here
  as an ngo:Alliance founded on 1949-08-24);
- one holder has one engagement in a structure or programme at a time: a holder's repeated
  engagements in one structure follow each other, each ending before the next starts;
- an Ally is a partner only before its accession: its partnership memberships end on or before
  the day it joined;
- engagements start on or after the day their structure or programme did, end after they start,
  a suspension lies within the membership it suspends, and a summit is held on or before the
  start of the initiatives and tools it launched;
- sources are dated to the year (1 January with ngo:datePrecision time:unitYear), and every
  resource that should cite a source does.

Other resources are named with a `syn-` / `SYN` prefix. Written directly as N-Triples (one
f-string per triple): 10^6 triples take about a second. Deterministic for a given size and seed.

    python -m bench.synthetic 100000 /tmp/synth.nt
"""

from __future__ import annotations

import datetime as dt
import random
import string
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
NATO = f"<{NG}nato>"

STRUCTURE_KINDS = ("PartnershipFramework", "PartnershipCouncil", "SpecialStructure", "PartnerGroup")
MAX_COUNTRIES = 26**3
"""Three capital letters: the number of distinct country codes (and so of countries)."""

# Share of the triples each kind of resource gets, and roughly how many triples one takes.
_SHARES = {
    "country": (0.08, 7),
    "source": (0.03, 8),
    "structure": (0.02, 7),
    "initiative": (0.01, 6),
    "alliance": (0.03, 5),
    "membership": (0.52, 6.35),
    "suspension": (0.05, 6.5),
    "participation": (0.14, 5),
    "claim": (0.12, 9),
}
SUMMITS = 5

_NATO_FOUNDED = dt.date(1949, 8, 24).toordinal()
_TODAY = dt.date(2025, 1, 1).toordinal()
"""The first day after the synthetic data's time line: open engagements still hold then."""
_MIN_SPAN = 730
"""Days an Ally must have been able to be a partner, between a structure's start and accession."""


def o(local: str) -> str:
    return f"<{NGO}{local}>"


def iri(value: str) -> str:
    return f"<{value}>"


def lit(value: str, lang: str | None = None) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def date(value: str) -> str:
    return f'"{value}"^^<{XSD}date>'


def day(ordinal: int) -> str:
    """An xsd:date literal for a proleptic Gregorian ordinal (datetime.date.toordinal)."""
    return f'"{dt.date.fromordinal(ordinal).isoformat()}"^^<{XSD}date>'


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def country_code(i: int) -> str:
    """The `i`-th three-letter code: `i` in base 26 written with the letters A-Z (0 is AAA)."""
    if not 0 <= i < MAX_COUNTRIES:
        raise ValueError(f"country index {i} has no three-letter code (0 to {MAX_COUNTRIES - 1})")
    letters = string.ascii_uppercase
    return letters[i // 676] + letters[i // 26 % 26] + letters[i % 26]


def country_iri(i: int) -> str:
    return iri(f"{NGC}{country_code(i)}")


def structure_iri(i: int) -> str:
    return iri(f"{NG}syn-structure-{i}")


def counts(target: int) -> dict[str, int]:
    """How many resources of each kind make about `target` triples."""
    out = {kind: max(2, round(target * share / size)) for kind, (share, size) in _SHARES.items()}
    out["country"] = max(out["country"], 10)
    out["structure"] = max(out["structure"], len(STRUCTURE_KINDS))
    if out["country"] > MAX_COUNTRIES:
        share, size = _SHARES["country"]
        raise ValueError(
            f"{target:,} triples would take {out['country']:,} countries, but country IRIs and "
            f"ISO codes of three capital letters allow only {MAX_COUNTRIES:,}: generate at most "
            f"{int((MAX_COUNTRIES + 0.5) * size / share):,} triples"
        )
    return out


def _random_day(rng: random.Random, first: int = 1949, last: int = 2024) -> int:
    """A day in the years `first` to `last`, as an ordinal."""
    return rng.randint(dt.date(first, 1, 1).toordinal(), dt.date(last, 12, 31).toordinal())


Timeline = list[tuple[int, int | None]]
"""(start, end or None) per engagement, as ordinals."""


def _timelines(
    rng: random.Random,
    pairs: list[tuple[int, int]],
    window: Callable[[tuple[int, int]], tuple[int, int, bool]],
    end_share: float,
) -> Timeline:
    """Dates for engagements given as (holder, within) pairs, one holder's engagements in one
    structure one after the other. `window(pair)` gives (first day, day after the last, closed):
    the engagements of a pair share the window, each in its own slice; all but the last end
    within their slice, and the last ends when the window does if `closed` (on an Ally's day of
    accession), else with probability `end_share`."""
    by_pair: dict[tuple[int, int], list[int]] = {}
    for i, pair in enumerate(pairs):
        by_pair.setdefault(pair, []).append(i)
    out: Timeline = [(0, None)] * len(pairs)
    for pair, indices in by_pair.items():
        lo, hi, closed = window(pair)
        k = len(indices)
        for j, i in enumerate(indices):
            a, b = lo + (hi - lo) * j // k, lo + (hi - lo) * (j + 1) // k
            start = rng.randint(a, b - 1)
            if j < k - 1:
                out[i] = (start, rng.randint(start + 1, b))
            elif closed:
                out[i] = (start, hi)
            else:
                out[i] = (start, rng.randint(start + 1, b) if rng.random() < end_share else None)
    return out


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
        t(s, o("date"), date(f"{rng.randint(1990, 2024)}-01-01"))
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
        t(c, o("iso3166Alpha3"), lit(country_code(i)))
        sourced(c, 2)
        t(c, o("wikidataEntity"), iri(f"http://www.wikidata.org/entity/Q{900000 + i}"))

    t(NATO, RDF_TYPE, o("Alliance"))
    t(NATO, LABEL, lit("North Atlantic Treaty Organization", "en"))
    t(NATO, LABEL, lit("Organisation du Traité de l'Atlantique Nord", "fr"))
    t(NATO, o("startDate"), day(_NATO_FOUNDED))
    sourced(NATO)

    structures = [structure_iri(i) for i in range(n["structure"])]
    founded = [_random_day(rng, 1991, 2010) for _ in structures]
    for i, s in enumerate(structures):
        kind = STRUCTURE_KINDS[i % len(STRUCTURE_KINDS)]
        t(s, RDF_TYPE, o(kind))
        t(s, LABEL, lit(f"Structure {i}", "en"))
        t(s, LABEL, lit(f"Structure {i} (fr)", "fr"))
        t(s, o("acronym"), lit(f"S{i}", "en"))
        t(s, DESCRIPTION, lit(f"A synthetic {kind} number {i}.", "en"))
        t(s, o("startDate"), day(founded[i]))
        sourced(s)

    initiatives = [iri(f"{NG}syn-initiative-{i}") for i in range(n["initiative"])]
    launched = [_random_day(rng, 1994, 2020) for _ in initiatives]
    for i, s in enumerate(initiatives):
        t(s, RDF_TYPE, o("Initiative" if i % 2 else "PartnershipTool"))
        t(s, LABEL, lit(f"Initiative {i}", "en"))
        t(s, LABEL, lit(f"Initiative {i} (fr)", "fr"))
        t(s, o("startDate"), day(launched[i]))
        t(s, o("launchedAt"), iri(f"{NG}syn-summit-{i % SUMMITS}"))
        sourced(s)

    for i in range(SUMMITS):
        summit = iri(f"{NG}syn-summit-{i}")
        t(summit, RDF_TYPE, o("Summit"))
        t(summit, LABEL, lit(f"Summit {i}", "en"))
        t(summit, LABEL, lit(f"Sommet {i}", "fr"))
        opened = launched[i::SUMMITS]  # held on or before what it launched starts
        t(summit, o("startDate"), day(min(opened) if opened else _random_day(rng, 1994, 2020)))
        sourced(summit)

    allied = rng.sample(range(len(countries)), min(n["alliance"], len(countries)))
    accession: dict[int, int] = {}
    for i, ally in enumerate(allied):
        accession[ally] = rng.randint(_NATO_FOUNDED, _TODAY - 1)
        m = iri(f"{NGM}syn-alliance-{i}")
        t(m, RDF_TYPE, o("AllianceMembership"))
        t(m, o("member"), countries[ally])
        t(m, o("organisation"), NATO)
        t(m, o("startDate"), day(accession[ally]))
        sourced(m)

    # Partnership memberships: an Ally only in a structure it could join long enough before its
    # accession, and then ending on the day it joined the Alliance.
    pairs = []
    for _ in range(n["membership"]):
        while True:
            holder, within = rng.randrange(len(countries)), rng.randrange(len(structures))
            if accession.get(holder, _TODAY) - founded[within] >= _MIN_SPAN:
                break
        pairs.append((holder, within))
    timeline = _timelines(
        rng,
        pairs,
        lambda p: (founded[p[1]], accession.get(p[0], _TODAY), p[0] in accession),
        0.1,
    )
    for i, ((holder, within), (start, end)) in enumerate(zip(pairs, timeline, strict=True)):
        m = iri(f"{NGM}syn-m-{i}")
        t(m, RDF_TYPE, o("PartnershipMembership"))
        t(m, o("member"), countries[holder])
        t(m, o("organisation"), structures[within])
        t(m, o("startDate" if rng.random() < 0.8 else "earliestAttestation"), day(start))
        if end is not None:
            t(m, o("endDate"), day(end))
        sourced(m, 2)

    for i in range(n["suspension"]):
        j = rng.randrange(len(timeline))
        held_from, held_until = timeline[j][0], timeline[j][1] or _TODAY
        s = iri(f"{NG}syn-suspension-{i}")
        t(s, RDF_TYPE, o("Suspension"))
        t(s, LABEL, lit(f"Suspension {i}", "en"))
        t(s, LABEL, lit(f"Suspension {i} (fr)", "fr"))
        t(s, o("suspends"), iri(f"{NGM}syn-m-{j}"))
        start = rng.randint(held_from, held_until - 1)
        t(s, o("startDate"), day(start))
        if rng.random() < 0.5:
            t(s, o("endDate"), day(rng.randint(start + 1, held_until)))
        sourced(s)

    pairs = [
        (rng.randrange(len(countries)), rng.randrange(len(initiatives)))
        for _ in range(n["participation"])
    ]
    timeline = _timelines(rng, pairs, lambda p: (launched[p[1]], _TODAY, False), 0.0)
    for i, ((holder, within), (start, end)) in enumerate(zip(pairs, timeline, strict=True)):
        p = iri(f"{NGM}syn-p-{i}")
        t(p, RDF_TYPE, o("Participation"))
        t(p, o("participant"), countries[holder])
        t(p, o("programme"), initiatives[within])
        t(p, o("startDate"), day(start))
        if end is not None:
            t(p, o("endDate"), day(end))
        sourced(p)

    for i in range(n["claim"]):
        c = iri(f"{NGCL}syn-{i}")
        about = rng.choice(structures)
        value = rng.randint(5, 60)
        t(c, RDF_TYPE, o("Claim"))
        t(c, LABEL, lit(f"Claim {i}: {value} partners", "en"))
        t(c, o("about"), about)
        t(c, o("asOf"), day(_random_day(rng, 2000)))
        t(c, o("claimedProperty"), o("count"))
        t(c, o("claimedValue"), integer(value))
        t(c, o("statement"), lit(f"The structure has {value} partners.", "en"))
        t(c, o("confidence"), o("MediumConfidence"))
        sourced(c)
    return written


def write_file(target: int, path: Path, seed: int = 7) -> int:
    """Generate into an N-Triples file; return the number of triples written."""
    counts(target)  # a size too large fails before the file is created
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
