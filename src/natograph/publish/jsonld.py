"""JSON-LD for natograph: one published `@context`, generated from the ontology, and compact
documents that name it by URL.

The context is derived from the graph rather than written by hand so that it cannot fall behind
the ontology: every `ngo:` class and property gets its local name as a key. How a property's values
are written (IRIs, a language map, a typed literal) follows what the graph actually holds, because
a coercion that does not fit every value would make those values fall back to the long form.
There is deliberately no `@vocab`: a misspelt key must stay visibly unknown instead of quietly
becoming an `ngo:` IRI.

Documents are produced by pyld (the JSON-LD reference implementation) from Oxigraph's triples,
after embedding blank nodes that are used once (so OWL restrictions read as nested objects, and
their random labels do not leak) and sorting everything, so the same triples always give the same
bytes.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from string import Template
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from natograph.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, NGO, PREFIXES
from natograph.store import GraphStore, Row, select

CONTEXT_PATH = "context.jsonld"
"""Where the context lives, relative to the base IRI (and to the server root)."""

RDF = PREFIXES["rdf"]
XSD = PREFIXES["xsd"]
XSD_STRING = XSD + "string"
RDF_LANGSTRING = RDF + "langString"
RDF_TYPE = RDF + "type"

_ID = "@id"
_LIST = "@list"
_LANGUAGE = "@language"

COMMON_TERMS: Mapping[str, str] = {
    "http://www.w3.org/2002/07/owl#sameAs": _ID,
    "http://www.w3.org/2000/01/rdf-schema#label": _LANGUAGE,
    "http://www.w3.org/2000/01/rdf-schema#comment": _LANGUAGE,
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": _ID,
    "http://purl.org/dc/terms/source": _ID,
}
"""External terms a consumer expects to find even when the graph does not use them (yet), with
how their values are written then. They also keep a short key from going to a look-alike: with
owl:sameAs here, schema:sameAs cannot take the key "sameAs"."""

PYLD_LOCK = threading.Lock()
"""pyld keeps its resolved contexts in module-level caches that are not safe to share between
threads, and the server renders documents in a thread pool."""

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_RESERVED = frozenset({"id", "type", *PREFIXES})

_GRAPHS = " ".join(f"<{g}>" for g in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED))
"""The graphs terms are looked up in: not the shapes, whose sh: vocabulary no document uses."""

_DECLARATIONS = Template("""
SELECT DISTINCT ?term ?kind ?range WHERE {
  GRAPH $ontology {
    VALUES ?kind { owl:Class rdfs:Class owl:ObjectProperty owl:DatatypeProperty
                   owl:AnnotationProperty rdf:Property }
    ?term a ?kind .
    FILTER(isIRI(?term))
    OPTIONAL { ?term rdfs:range ?range FILTER(isIRI(?range)) }
  }
}
""").substitute(ontology=f"<{GRAPH_ONTOLOGY}>")

_USAGE = Template("""
SELECT DISTINCT ?p ?kind WHERE {
  VALUES ?g { $graphs }
  GRAPH ?g { ?s ?p ?o }
  FILTER(!STRSTARTS(STR(?p), STR(rdf:)))
  BIND(IF(isLiteral(?o),
          IF(LANG(?o) != "", "@language", STR(DATATYPE(?o))),
          IF(?o = rdf:nil || (isBlank(?o) && EXISTS { GRAPH ?g { ?o rdf:first ?first } }),
             "@list", "@id")) AS ?kind)
}
""").substitute(graphs=_GRAPHS)

_TYPES_USED = Template("""
SELECT DISTINCT ?class WHERE {
  VALUES ?g { $graphs }
  GRAPH ?g { ?s a ?class }
  FILTER(isIRI(?class))
}
""").substitute(graphs=_GRAPHS)


@dataclass
class _Term:
    iri: str
    is_class: bool = False
    is_property: bool = False
    object_property: bool = False
    ranges: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    """How the graph writes the values: "@id", "@list", "@language" or a datatype IRI."""


def context_url(base_iri: str) -> str:
    """The stable public URL of the context, e.g. https://w3id.org/natograph/context.jsonld."""
    return base_iri + CONTEXT_PATH


def context(store: GraphStore) -> dict[str, Any]:
    """The context document (`{"@context": {...}}`, JSON-LD 1.1) for the graph in `store`.

    Computed from the ontology, data and inferred graphs; the same graph always gives the same
    document (keys sorted), so it can be published and cached.
    """
    terms = _terms(store)
    entries: dict[str, Any] = {"@version": 1.1, "id": "@id", "type": "@type", **PREFIXES}
    for key, term in _keys(terms).items():
        entries[key] = _definition(term)
    return {"@context": dict(sorted(entries.items()))}


def serialise(triples: Iterable[ox.Triple], context_url: str, context: Mapping[str, Any]) -> bytes:
    """Compact JSON-LD (UTF-8) of `triples` whose `@context` is `context_url`.

    `context` is the document `context()` returned: compaction uses it in place, so nothing is
    fetched, and the output names the URL so that documents stay small. Always a `@graph` of node
    objects, ordered by `id`.
    """
    data = _dataset(triples)
    options = {"documentLoader": _refuse_loading, "graph": True, "skipExpansion": True, "base": ""}
    with PYLD_LOCK:
        nodes = _shape(jsonld.from_rdf({"@default": data}, {}))
        compacted = jsonld.compact(nodes, _trimmed(context, data), options)
    compacted["@context"] = context_url
    return to_bytes(_ordered(compacted))


def to_bytes(document: Mapping[str, Any]) -> bytes:
    """The one text form of natograph's JSON (UTF-8, indented, final newline), so that a file
    the server sends and the same file in a release are byte for byte equal."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _dataset(triples: Iterable[ox.Triple]) -> list[dict[str, dict[str, str]]]:
    """Triples in pyld's RDF dataset form, without duplicates.

    Built directly rather than through N-Triples: pyld's N-Quads parser removes duplicates by
    comparing each triple with all before it, which takes 20 s for the 8,500 triples of the
    served dataset; Oxigraph's terms are exact already.
    """
    return [
        {"subject": _term(t.subject), "predicate": _term(t.predicate), "object": _term(t.object)}
        for t in dict.fromkeys(triples)
    ]


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": "_:" + term.value}
    if isinstance(term, ox.Literal) and term.direction is None:
        literal = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        if term.language is not None:
            literal["language"] = term.language
        return literal
    raise ValueError(f"JSON-LD 1.1 cannot carry this RDF 1.2 term: {term}")


def _trimmed(context: Mapping[str, Any], data: list[dict[str, dict[str, str]]]) -> Any:
    """The context less the terms for IRIs `data` never uses as a property, type or datatype.

    pyld looks for a prefix by trying every term of the context for every IRI it compacts: with
    the full context a 270-triple description took twice as long (26 ms against 13). The terms
    left out could not have been chosen and the prefixes all stay, so the output is the same.
    """
    inner = context.get("@context")
    if not isinstance(inner, dict):
        return copy.deepcopy(dict(context))
    used = {RDF_TYPE}
    for triple in data:
        used.add(triple["predicate"]["value"])
        if triple["predicate"]["value"] == RDF_TYPE:
            used.add(triple["object"]["value"])
        used.add(triple["object"].get("datatype", ""))
    kept = {
        key: copy.deepcopy(value)
        for key, value in inner.items()
        if (iri := _term_iri(inner, value)) is None or iri in used
    }
    return {"@context": kept}


def _term_iri(inner: Mapping[str, Any], definition: Any) -> str | None:
    """The IRI a term stands for; None for keywords, aliases and prefixes, which always stay."""
    iri = definition.get("@id") if isinstance(definition, dict) else definition
    if not isinstance(iri, str) or iri.startswith("@") or iri.endswith(("/", "#")):
        return None
    prefix, _, local = iri.partition(":")
    namespace = inner.get(prefix)
    return namespace + local if isinstance(namespace, str) and local else iri


def _refuse_loading(url: str, _options: Mapping[str, Any]) -> Any:
    """The document loader: the server makes no outgoing requests, and needs none."""
    raise jsonld.JsonLdError(
        f"natograph loads no remote JSON-LD documents (asked for {url})",
        "jsonld.LoadDocumentError",
        {"url": url},
        code="loading document failed",
    )


def _terms(store: GraphStore) -> dict[str, _Term]:
    terms: dict[str, _Term] = {}

    def term(iri: str) -> _Term:
        return terms.setdefault(iri, _Term(iri))

    for row in _select(store, _DECLARATIONS):
        entry, kind = term(row["term"].value), row["kind"].value
        if kind.endswith("Class"):
            entry.is_class = True
        else:
            entry.is_property = True
            entry.object_property |= kind.endswith("#ObjectProperty")
            if row["range"] is not None:
                entry.ranges.add(row["range"].value)
    for row in _select(store, _USAGE):
        entry = term(row["p"].value)
        entry.is_property = True
        entry.kinds.add(row["kind"].value)
    for row in _select(store, _TYPES_USED):
        term(row["class"].value).is_class = True
    for iri, kind in COMMON_TERMS.items():
        entry = term(iri)
        entry.is_property = True
        if not entry.kinds:
            entry.kinds.add(kind)
    return terms


def _select(store: GraphStore, sparql: str) -> list[Row]:
    result = select(store, sparql)
    return list(result)


def _keys(terms: Mapping[str, _Term]) -> dict[str, _Term]:
    """Short keys: an `ngo:` term's local name always; an external term's local name only when
    no other term claims it (else it stays a prefixed name such as `dcterms:source`)."""
    own: dict[str, _Term] = {}
    external: dict[str, list[_Term]] = defaultdict(list)
    for iri, term in terms.items():
        if iri.startswith(PREFIXES["rdf"]) or not (term.is_class or term.is_property):
            continue
        if iri.startswith(str(NGO)):
            name = iri[len(NGO) :]
            if _KEY.fullmatch(name) and name not in _RESERVED:
                own[name] = term
        else:
            name = re.split(r"[#/]", iri)[-1]
            if _KEY.fullmatch(name) and name not in _RESERVED:
                external[name].append(term)
    shared = {name: found[0] for name, found in external.items() if len(found) == 1}
    return {**{k: v for k, v in shared.items() if k not in own}, **own}


def _definition(term: _Term) -> str | dict[str, str]:
    """How one key expands; a plain string when its values need no coercion."""
    iri = _compact(term.iri)
    if not term.is_property:
        return iri
    coercion = _coercion(term)
    return {"@id": iri, **coercion} if coercion else iri


def _coercion(term: _Term) -> dict[str, str]:
    kinds = term.kinds or _declared_kinds(term)
    if kinds == {_ID}:
        return {"@type": "@id"}
    if kinds == {_LIST}:
        return {"@container": "@list", "@type": "@id"}
    if _LANGUAGE in kinds and kinds <= {_LANGUAGE, XSD_STRING}:
        return {"@container": "@language"}
    if len(kinds) == 1:
        (datatype,) = kinds
        if datatype.startswith(XSD) and datatype != XSD_STRING:
            return {"@type": _compact(datatype)}
    return {}


def _declared_kinds(term: _Term) -> set[str]:
    """For a property the graph does not use: what the ontology says its values are."""
    if term.object_property:
        return {_ID}
    if len(term.ranges) == 1:
        (declared,) = term.ranges
        if declared == RDF_LANGSTRING:
            return {_LANGUAGE}
        if declared.startswith(XSD):
            return {declared}
    return set()


def _compact(iri: str) -> str:
    """`prefix:local` with the longest matching project prefix, for a readable context."""
    best = max(
        ((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns) and iri != ns),
        key=lambda item: len(item[1]),
        default=None,
    )
    return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri


def _shape(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Expanded node objects made independent of blank node labels, in a stable order.

    A blank node referenced exactly once is nested where it is used (OWL restrictions and
    axioms then read as nested objects), one referenced nowhere loses its label, and any others
    (shared, or on a cycle) are renamed `_:b0`, `_:b1`... in the order of their content. The
    labels Oxigraph gives are random per load, so without this two builds of the same files
    would differ. (Only where shared blank nodes refer to each other can their order still
    depend on the labels; natograph's data has none.)
    """
    roots = _embed_blank_nodes(nodes)
    for node in roots:
        _sort_values(node)
    referenced = {ref["@id"] for node in roots for ref in _all_references(node)}
    for node in roots:
        if node["@id"].startswith("_:") and node["@id"] not in referenced:
            del node["@id"]
    named = sorted((n for n in roots if "@id" in n and not _is_blank(n)), key=lambda n: n["@id"])
    blank = sorted((n for n in roots if "@id" not in n or _is_blank(n)), key=_content)
    labels = {n["@id"]: f"_:b{i}" for i, n in enumerate(n for n in blank if "@id" in n)}
    for node in blank:
        if "@id" in node:
            node["@id"] = labels[node["@id"]]
    for node in named + blank:
        for ref in _all_references(node):
            ref["@id"] = labels.get(ref["@id"], ref["@id"])
    return named + blank


def _embed_blank_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nest each blank node referenced exactly once into the node that references it.

    Such blank nodes form trees under their referrers, so this cannot loop; the ones left over
    (unreferenced, shared, or on an unreachable cycle) stay top-level.
    """
    by_id = {node["@id"]: node for node in nodes}
    references: Counter[str] = Counter()
    for node in nodes:
        for ref in _references(node):
            references[ref["@id"]] += 1
    single = {b for b, n in references.items() if n == 1 and b.startswith("_:") and b in by_id}
    roots = [node for node in nodes if node["@id"] not in single]
    pending = list(roots)
    embedded: set[str] = set()
    while pending:
        node = pending.pop()
        for ref in _references(node):
            label = ref["@id"]
            if label in single and label not in embedded:
                embedded.add(label)
                del ref["@id"]
                ref.update((k, v) for k, v in by_id[label].items() if k != "@id")
                pending.append(ref)
    roots.extend(by_id[b] for b in sorted(single - embedded))
    return roots


def _references(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The node references (`{"@id": ...}` alone) among a node's own values, lists included."""
    for item in _items(node):
        if set(item) == {"@id"}:
            yield item


def _all_references(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Node references anywhere inside a node, nested nodes included."""
    for item in _items(node):
        if set(item) == {"@id"}:
            yield item
        elif "@value" not in item:
            yield from _all_references(item)


def _items(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key, values in node.items():
        if not key.startswith("@"):
            for value in values:
                yield from value.get(_LIST, [value])


def _sort_values(node: dict[str, Any]) -> None:
    """Sort every set of values; in expanded JSON-LD only `@list` arrays carry an order."""
    for key, values in node.items():
        if key == "@type":
            values.sort()
        elif not key.startswith("@"):
            for value in values:
                for item in value.get(_LIST, [value]):
                    if "@value" not in item:
                        _sort_values(item)
            values.sort(key=_canonical)


def _is_blank(node: dict[str, Any]) -> bool:
    return str(node.get("@id", "")).startswith("_:")


def _content(node: dict[str, Any]) -> str:
    return _canonical({k: v for k, v in node.items() if k != "@id"})


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _ordered(value: Any) -> Any:
    """Keywords first, then `id` and `type`, then the other keys alphabetically."""
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    if isinstance(value, dict):
        rank = {"id": 1, "type": 2}
        keys = sorted(value, key=lambda k: (0 if k.startswith("@") else rank.get(k, 3), k))
        return {k: _ordered(value[k]) for k in keys}
    return value
