"""Canonical, diff-friendly Turtle for the curated files (ontology/, data/, shapes/).

Several people edit the same Turtle files by hand. Without one agreed layout every edit
reorders, re-wraps or re-prefixes unrelated lines and reviews drown in noise. This module
rewrites a file into a single canonical form that depends only on the graph it denotes
(up to blank-node renaming), the prefixes it declares and its leading comment block, so
that ``natograph fmt --check`` can reject unformatted files and every remaining diff is
a real change.

The canonical form, in short:

* ``@prefix`` lines first, sorted by name, only those the output uses; no ``@base``.
* The ``owl:Ontology`` subject first, then every other IRI subject sorted by full IRI,
  then blank-node blocks sorted by their text; one blank line between blocks.
* Subjects on their own line, predicates indented four spaces: ``a`` first, then
  ``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, then the rest by prefixed name.
* Objects sorted; one line when it fits in 100 columns, else one object per line.
* Blank nodes used once are inlined as ``[ ... ]`` or ``( ... )``; blank nodes used more
  than once, or in cycles, get ``_:c14nN`` labels derived from ``rdflib.compare``
  canonicalisation, so the labels do not depend on parse order.

Comments: only the comment block at the very top of a file (lines starting with ``#``,
and blank lines between them) survives formatting, verbatim, as a header. rdflib drops
every other comment while parsing, so a formatter built on it cannot keep them. Notes
that must survive belong in the graph itself, as ``rdfs:comment`` or
``skos:editorialNote``, where they are also visible to every consumer of the data.

``"x"`` and ``"x"^^xsd:string`` are different terms to rdflib, so an explicit
``^^xsd:string`` is kept rather than silently merged: the formatter never changes the
graph, as rdflib sees it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from natograph.namespaces import PN_CHARS, PN_CHARS_BASE, curie

__all__ = ["LINE_LENGTH", "format_file", "format_graph", "format_text", "needs_formatting"]

LINE_LENGTH = 100
_INDENT = 4

# Turtle 1.1 grammar: the same character classes as natograph.namespaces.curie.
_PN_PREFIX_RE = re.compile(f"(?:[{PN_CHARS_BASE}](?:[{PN_CHARS}.]*[{PN_CHARS}])?)?")

_PREFIX_DECL_RE = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+([^\s:<>]*):\s*<([^>\s]*)>", re.IGNORECASE | re.MULTILINE
)

# rdflib namespace attribute access is slow enough to matter in the hot loops.
_RDF_TYPE, _RDF_FIRST, _RDF_REST, _RDF_NIL = RDF.type, RDF.first, RDF.rest, RDF.nil
_OWL_ONTOLOGY = OWL.Ontology

_PREDICATE_RANK: dict[Node, int] = {RDF.type: 0, RDFS.label: 1, SKOS.prefLabel: 2, SKOS.altLabel: 3}

_BARE_LITERAL_RE = {
    XSD.integer: re.compile(r"0|-?[1-9][0-9]*"),
    XSD.decimal: re.compile(r"-?(?:0|[1-9][0-9]*)\.(?:0|[0-9]*[1-9])"),
    XSD.boolean: re.compile(r"true|false"),
}

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SHORT_ESCAPE_RE = re.compile(r'[\x00-\x1f\x7f"\\]')
# In long strings a quote stays bare only if a non-quote follows: never '""' or '"""'.
_LONG_ESCAPE_RE = re.compile(r'"(?="|\Z)|[\x00-\x09\x0b-\x1f\x7f\\]')
_IRI_ESCAPE_RE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


# --------------------------------------------------------------------------- public API


def format_graph(graph: Graph, prefixes: Mapping[str, str], header: str = "") -> str:
    """Serialise ``graph`` canonically, so equal graphs always give byte-equal files.

    ``prefixes`` maps prefix names to namespaces; only those the output needs are
    declared. ``header`` is a comment block placed verbatim at the top, because it is
    the one kind of comment that survives a parse/serialise cycle.
    """
    _check_turtle_compatible(graph)
    layout = _Layout.of(graph)
    if layout.labels:
        # Labels must not depend on parse order, so relabel from the canonical form.
        graph = _canonical(graph, layout.labels)
        layout = _Layout.of(graph)
    names = _Names(prefixes)
    blocks = _Writer(graph, layout, names).blocks()
    return _assemble(_clean_header(header), names.prefix_lines(), blocks)


def format_text(text: str, source_name: str = "<string>") -> str:
    """Format Turtle source, keeping its declared prefixes and leading comment block.

    Parse errors propagate unchanged (with ``source_name`` attached as a note) so the
    caller can report them in its own way.
    """
    graph = Graph(bind_namespaces="none")
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:
        exc.add_note(f"while parsing {source_name}")
        raise
    return format_graph(graph, _declared_prefixes(graph, text), header=_leading_comments(text))


def format_file(path: Path) -> str:
    """Return the canonical text for ``path`` without writing it, so callers choose."""
    return format_text(path.read_text(encoding="utf-8"), source_name=str(path))


def needs_formatting(path: Path) -> bool:
    """Tell ``fmt --check`` whether ``path`` differs from its canonical form."""
    text = path.read_text(encoding="utf-8")
    return format_text(text, source_name=str(path)) != text


# --------------------------------------------------------------------- input handling


def _leading_comments(text: str) -> str:
    """Return the top comment block, the one set of comments kept: rdflib drops the rest."""
    block: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            block.append(line)
        elif line.strip():
            break
        elif block:
            block.append(line)
    return "\n".join(block)


def _clean_header(header: str) -> str:
    """Trim blank edges; reject non-comment lines, which would corrupt the Turtle."""
    lines = header.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    for line in lines:
        if line.strip() and not line.startswith("#"):
            raise ValueError(f"header line is not a comment: {line!r}")
    return "\n".join(lines)


def _declared_prefixes(graph: Graph, text: str) -> dict[str, str]:
    """Collect the prefixes the source declared, independent of their order.

    rdflib keeps one prefix per namespace (the last bound), which would make the choice
    depend on declaration order; the aliases it dropped are recovered from the text so
    that the choice among them can be made deterministically later.
    """
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    known = set(prefixes.values())
    for match in _PREFIX_DECL_RE.finditer(text):
        prefix, namespace = match.groups()
        if namespace in known:
            prefixes.setdefault(prefix, namespace)
    return prefixes


def _check_turtle_compatible(graph: Graph) -> None:
    """Fail loudly on generalised RDF rather than silently dropping triples."""
    for subject, predicate, _ in graph:
        if not isinstance(subject, URIRef | BNode) or not isinstance(predicate, URIRef):
            raise ValueError(f"triple cannot be written as Turtle: {subject!r} {predicate!r}")


def _closure(start: Iterable[Node], neighbours: Callable[[Node], Iterable[Node]]) -> set[Node]:
    """Every node reachable from ``start`` by repeatedly following ``neighbours``."""
    seen: set[Node] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(neighbours(node))
    return seen


def _bnode_component(graph: Graph, seeds: Iterable[BNode]) -> set[BNode]:
    """Blank nodes linked, in either direction, to ``seeds`` through blank nodes only."""

    def linked(node: Node) -> list[Node]:
        return [
            n for n in (*graph.objects(node), *graph.subjects(None, node)) if isinstance(n, BNode)
        ]

    return {n for n in _closure(seeds, linked) if isinstance(n, BNode)}


def _canonical(graph: Graph, seeds: Iterable[BNode]) -> Graph:
    """Rename the blank nodes around ``seeds`` canonically, so their labels are stable.

    rdflib's canonicalisation is slow on large graphs, and only the blank nodes that
    will carry labels need it, so just the triples touching their blank-node component
    are canonicalised. The selection itself is invariant under blank-node renaming, so
    the labels still do not depend on parse order. If canonicalisation ever loses a
    triple the original graph is used: unstable labels beat lost data.
    """
    component = _bnode_component(graph, seeds)
    touching, result = Graph(), Graph()
    for triple in graph:
        if triple[0] in component or triple[2] in component:
            touching.add(triple)
        else:
            result.add(triple)
    canonical = set(to_canonical_graph(touching).triples((None, None, None)))
    if len(canonical) != len(touching):
        return graph
    for triple in canonical:
        result.add(triple)
    return result


def _assemble(header: str, prefix_lines: list[str], blocks: list[str]) -> str:
    """Join the sections with single blank lines and exactly one final newline."""
    sections = [header] if header else []
    if prefix_lines:
        sections.append("\n".join(prefix_lines))
    sections.extend(blocks)
    return "\n\n".join(sections) + "\n" if sections else ""


# ------------------------------------------------------------------------ term syntax


def _iriref(iri: str) -> str:
    """Write an IRI in full, escaping what IRIREF forbids so the output always parses."""
    return "<" + _IRI_ESCAPE_RE.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def _escape(match: re.Match[str]) -> str:
    """Escape one character; other control characters as \\uXXXX, which every parser reads."""
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _quote(lexical: str) -> str:
    """Quote a lexical form; multi-line text uses long quotes so diffs stay line-based."""
    if "\n" in lexical:
        return '"""' + _LONG_ESCAPE_RE.sub(_escape, lexical) + '"""'
    return '"' + _SHORT_ESCAPE_RE.sub(_escape, lexical) + '"'


class _Names:
    """Chooses prefixed names and remembers which prefixes the output really uses."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self._prefixes = dict(prefixes)
        usable = [(ns, p) for p, ns in prefixes.items() if ns and _PN_PREFIX_RE.fullmatch(p)]
        # Longest namespace wins; ties between aliases go to the smallest prefix name.
        ordered = sorted(usable, key=lambda item: (-len(item[0]), item[1]))
        self._candidates = {prefix: ns for ns, prefix in ordered}
        self._cache: dict[str, tuple[str, str] | None] = {}
        self.used: set[str] = set()

    def _qname(self, iri: str) -> tuple[str, str] | None:
        if iri not in self._cache:
            name = curie(iri, self._candidates, otherwise="none")
            prefix, _, local = (name or "").partition(":")
            self._cache[iri] = (prefix, local) if name is not None else None
        return self._cache[iri]

    def sort_name(self, iri: str) -> str:
        """Name used for ordering predicates; does not count as a use of the prefix."""
        found = self._qname(iri)
        return iri if found is None else f"{found[0]}:{found[1]}"

    def iri(self, iri: str) -> str:
        found = self._qname(iri)
        if found is None:
            return _iriref(iri)
        self.used.add(found[0])
        return f"{found[0]}:{found[1]}"

    def literal(self, literal: Literal) -> str:
        lexical = str(literal)
        if literal.language:
            return f"{_quote(lexical)}@{literal.language}"
        datatype = literal.datatype
        if datatype is None:
            return _quote(lexical)
        bare = _BARE_LITERAL_RE.get(datatype)
        if bare is not None and bare.fullmatch(lexical):
            return lexical
        return f"{_quote(lexical)}^^{self.iri(datatype)}"

    def prefix_lines(self) -> list[str]:
        return [f"@prefix {p}: {_iriref(self._prefixes[p])} ." for p in sorted(self.used)]


# ------------------------------------------------------------------ blank-node layout


class _Layout:
    """Decides, per blank node, whether it is inlined, top-level or needs a label.

    Turtle can inline a blank node only where it is referenced exactly once and the
    inlining terminates; everything else needs a label to stay lossless.
    """

    def __init__(self, refs: Counter[BNode], labelled: Iterable[BNode]) -> None:
        self.refs = refs
        ordered = sorted(labelled, key=str)
        self.labels = {node: f"c14n{index}" for index, node in enumerate(ordered)}

    @classmethod
    def of(cls, graph: Graph) -> _Layout:
        refs: Counter[BNode] = Counter(o for o in graph.objects() if isinstance(o, BNode))
        return cls(refs, _labelled_bnodes(graph, refs))

    def is_inline(self, node: Node) -> bool:
        return isinstance(node, BNode) and self.refs[node] == 1 and node not in self.labels


def _reachable(
    graph: Graph, refs: Counter[BNode], cut: set[BNode], roots: Iterable[Node]
) -> set[Node]:
    """Nodes printed, directly or inlined, when starting from ``roots``."""

    def inlined(node: Node) -> list[Node]:
        return [
            o for o in graph.objects(node) if isinstance(o, BNode) and refs[o] == 1 and o not in cut
        ]

    return _closure(roots, inlined)


def _labelled_bnodes(graph: Graph, refs: Counter[BNode]) -> set[BNode]:
    """Blank nodes shared by several triples, plus one per otherwise unreachable cycle."""
    labelled = {node for node, count in refs.items() if count > 1}
    roots = {s for s in graph.subjects() if not (isinstance(s, BNode) and refs[s] == 1)}
    seen = _reachable(graph, refs, labelled, roots)
    while True:
        orphans = sorted((n for n, c in refs.items() if c == 1 and n not in seen), key=str)
        if not orphans:
            return labelled
        labelled.add(orphans[0])
        seen |= _reachable(graph, refs, labelled, orphans[:1])


# ------------------------------------------------------------------------------ writer


class _Writer:
    """Renders subject blocks; every ordering decision lives here."""

    def __init__(self, graph: Graph, layout: _Layout, names: _Names) -> None:
        # One pass over the graph; rdflib pattern lookups dominate the run time otherwise.
        self._index: dict[Node, dict[Node, list[Node]]] = {}
        for subject, predicate, obj in graph:
            self._index.setdefault(subject, {}).setdefault(predicate, []).append(obj)
        self._layout = layout
        self._names = names
        self._collections: dict[Node, list[Node] | None] = {}
        self._texts: dict[Node, str] = {}

    def blocks(self) -> list[str]:
        subjects = self._index.keys()
        named = sorted((s for s in subjects if isinstance(s, URIRef)), key=self._subject_key)
        blocks = [self._block_text(self._names.iri(s), s, " .") for s in named]
        anonymous = [
            "\n".join(["[", *self._predicate_lines(b, _INDENT, ""), "] ."])
            for b in subjects
            if isinstance(b, BNode) and self._layout.refs[b] == 0
        ]
        labelled = [
            self._block_text(f"_:{label}", b, " .")
            for b, label in self._layout.labels.items()
            if b in subjects
        ]
        return blocks + sorted(anonymous + labelled)

    def _subject_key(self, subject: Node) -> tuple[bool, str]:
        types = self._index[subject].get(_RDF_TYPE, [])
        return (_OWL_ONTOLOGY not in types, str(subject))

    def _block_text(self, head: str, subject: Node, end: str) -> str:
        return "\n".join([head, *self._predicate_lines(subject, _INDENT, end)])

    # ---------------------------------------------------------------- predicates

    def _predicate_key(self, predicate: Node) -> tuple[int, str]:
        rank = _PREDICATE_RANK.get(predicate, len(_PREDICATE_RANK))
        return rank, self._names.sort_name(str(predicate))

    def _predicate_lines(self, subject: Node, indent: int, end: str) -> list[str]:
        properties = self._index[subject]
        predicates = sorted(properties, key=self._predicate_key)
        lines: list[str] = []
        for index, predicate in enumerate(predicates):
            objects = sorted(properties[predicate], key=self._object_key)
            last = index == len(predicates) - 1
            verb = "a" if predicate == _RDF_TYPE else self._names.iri(str(predicate))
            lines += self._predicate(verb, objects, indent, end if last else " ;")
        return lines

    def _predicate(self, verb: str, objects: list[Node], indent: int, end: str) -> list[str]:
        lead = " " * indent + verb
        flats = [self._flat(o) for o in objects]
        if len(objects) == 1:
            return self._object(lead + " ", objects[0], indent, end)
        if all(flat is not None for flat in flats):
            line = lead + " " + " , ".join(f for f in flats if f is not None) + end
            if len(line) <= LINE_LENGTH and "\n" not in line:
                return [line]
        lines = [lead]
        inner = indent + _INDENT
        for index, obj in enumerate(objects):
            tail = end if index == len(objects) - 1 else " ,"
            lines += self._object(" " * inner, obj, inner, tail)
        return lines

    # ------------------------------------------------------------------- objects

    def _object(self, lead: str, obj: Node, indent: int, end: str) -> list[str]:
        """Lines for one object: flat if it fits (or cannot be split), else a block."""
        flat = self._flat(obj)
        fits = flat is not None and len(lead) + len(flat) + len(end) <= LINE_LENGTH
        if flat is not None and (fits or not self._splittable(obj)):
            return [lead + flat + end]
        lines = self._block(obj, indent)
        lines[0] = lead + lines[0]
        lines[-1] += end
        return lines

    def _splittable(self, obj: Node) -> bool:
        return self._layout.is_inline(obj) and self._collection(obj) is not None

    def _object_key(self, obj: Node) -> tuple[int, str, str, str]:
        if isinstance(obj, URIRef):
            return 0, str(obj), "", ""
        if isinstance(obj, Literal):
            return 1, str(obj.datatype or ""), obj.language or "", str(obj)
        if isinstance(obj, BNode) and obj in self._layout.labels:
            return 2, self._layout.labels[obj], "", ""
        return 3, self._text(obj), "", ""

    def _text(self, node: Node) -> str:
        """Indentation-free rendering of an inlined node, cached because sorting needs it."""
        if node not in self._texts:
            flat = self._flat(node)
            self._texts[node] = flat if flat is not None else "\n".join(self._block(node, 0))
        return self._texts[node]

    def _flat(self, node: Node) -> str | None:
        """Single-line form of a term, or None when only a multi-line block will do."""
        if isinstance(node, URIRef):
            return "()" if node == _RDF_NIL else self._names.iri(str(node))
        if isinstance(node, Literal):
            return self._names.literal(node)
        if not self._layout.is_inline(node):
            label = self._layout.labels.get(node) if isinstance(node, BNode) else None
            return f"_:{label or node}"
        items = self._collection(node)
        if items is not None:
            flats = [self._flat(item) for item in items]
            if all(flat is not None for flat in flats):
                return "( " + " ".join(f for f in flats if f is not None) + " )"
            return None
        return "[]" if node not in self._index else None

    def _block(self, node: Node, indent: int) -> list[str]:
        """Multi-line form of an inlined blank node; first line is left unindented."""
        close = " " * indent
        items = self._collection(node)
        if items is None:
            return ["[", *self._predicate_lines(node, indent + _INDENT, ""), close + "]"]
        inner = indent + _INDENT
        lines = ["("]
        for item in items:
            lines += self._object(" " * inner, item, inner, "")
        return [*lines, close + ")"]

    def _collection(self, head: Node) -> list[Node] | None:
        if head not in self._collections:
            self._collections[head] = self._walk_collection(head)
        return self._collections[head]

    def _walk_collection(self, head: Node) -> list[Node] | None:
        """Items of a well-formed RDF list whose cells are all inlinable, else None."""
        items: list[Node] = []
        node, seen = head, set[Node]()
        while node != _RDF_NIL:
            if not self._layout.is_inline(node) or node in seen:
                return None
            seen.add(node)
            cell = self._index.get(node, {})
            first, rest = cell.get(_RDF_FIRST, []), cell.get(_RDF_REST, [])
            if len(cell) != 2 or len(first) != 1 or len(rest) != 1:
                return None
            items.append(first[0])
            node = rest[0]
        return items
