"""OWL class expressions and data ranges as Manchester-like text, token by token.

`[ owl:intersectionOf ( ngo:Country [ owl:onProperty ngo:hasEngagement ; owl:someValuesFrom
ngo:AllianceMembership ] ) ]` reads `Country and (hasEngagement some AllianceMembership)`, as
Protégé shows it. Each name stays a token carrying its TermRef, so the page links it; nothing here
is HTML, so the template escapes every piece.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD
from rdflib.term import Node

from natograph.ontodoc.model import Expression, TermRef, Token

MAX_DEPTH = 12
"""Nesting beyond this is shown as '…' (guards against malformed, cyclic blank nodes)."""

_FACETS: dict[Node, str] = {
    XSD.minInclusive: ">=",
    XSD.maxInclusive: "<=",
    XSD.minExclusive: ">",
    XSD.maxExclusive: "<",
    XSD.length: "length",
    XSD.minLength: "minLength",
    XSD.maxLength: "maxLength",
    XSD.pattern: "pattern",
    URIRef(str(RDF) + "langRange"): "langRange",
}
_CARDINALITIES = (
    (OWL.minCardinality, "min", False),
    (OWL.maxCardinality, "max", False),
    (OWL.cardinality, "exactly", False),
    (OWL.minQualifiedCardinality, "min", True),
    (OWL.maxQualifiedCardinality, "max", True),
    (OWL.qualifiedCardinality, "exactly", True),
)
_NUMERIC = {XSD.integer, XSD.nonNegativeInteger, XSD.decimal, XSD.double, XSD.boolean}
_SPACE = Token("text", " ")
_UNKNOWN = Token("text", "…")


class ExpressionWriter:
    """Writes the expressions of one graph; `ref` turns a named term into a link."""

    def __init__(self, graph: Graph, ref: Callable[[URIRef], TermRef]) -> None:
        self.g = graph
        self.ref = ref

    def rdf_list(self, node: Node, predicate: URIRef) -> list[Node] | None:
        """The members of the RDF list `node predicate ( ... )`; None when there is none."""
        head = self.g.value(node, predicate)
        return None if head is None else self.members(head)

    def members(self, head: Node) -> list[Node]:
        """The members of the RDF list starting at `head` (none if its rdf:rest cycles)."""
        try:
            return list(self.g.items(head))
        except ValueError:
            return []

    def expression(self, node: Node, depth: int = 0) -> Expression:
        if isinstance(node, URIRef):
            ref = self.ref(node)
            return Expression((Token("ref", ref.short, ref),), atomic=True)
        if isinstance(node, Literal):
            return Expression((Token("value", literal_text(node)),), atomic=True)
        if depth > MAX_DEPTH:
            return Expression((_UNKNOWN,), atomic=True)
        return self._anonymous(node, depth + 1)

    def _anonymous(self, node: Node, depth: int) -> Expression:
        g = self.g
        for predicate, keyword in ((OWL.intersectionOf, "and"), (OWL.unionOf, "or")):
            if (members := self.rdf_list(node, predicate)) is not None:
                return joined([self.expression(m, depth) for m in members], keyword)
        if (members := self.rdf_list(node, OWL.oneOf)) is not None:
            return enumeration([self.expression(m, depth) for m in members])
        for predicate, keyword in (
            (OWL.complementOf, "not"),
            (OWL.datatypeComplementOf, "not"),
            (OWL.inverseOf, "inverse"),
        ):
            if (operand := g.value(node, predicate)) is not None:
                inner = wrapped(self.expression(operand, depth))
                return Expression((Token("keyword", keyword), _SPACE, *inner), atomic=False)
        if (datatype := g.value(node, OWL.onDatatype)) is not None:
            return self._restricted_datatype(node, datatype, depth)
        if (prop := g.value(node, OWL.onProperty)) is not None:
            return self._restriction(node, self.expression(prop, depth), depth)
        return Expression((_UNKNOWN,), atomic=True)

    def _restriction(self, node: Node, prop: Expression, depth: int) -> Expression:
        g = self.g
        head = (*wrapped(prop), _SPACE)
        for predicate, keyword in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only")):
            if (filler := g.value(node, predicate)) is not None:
                tail = wrapped(self.expression(filler, depth))
                return Expression((*head, Token("keyword", keyword), _SPACE, *tail), atomic=False)
        if (value := g.value(node, OWL.hasValue)) is not None:
            tail = self.expression(value, depth).tokens
            return Expression((*head, Token("keyword", "value"), _SPACE, *tail), atomic=False)
        has_self = g.value(node, OWL.hasSelf)
        if isinstance(has_self, Literal) and has_self.toPython() is True:
            return Expression((*head, Token("keyword", "Self")), atomic=False)
        for predicate, keyword, qualified in _CARDINALITIES:
            if (number := g.value(node, predicate)) is None:
                continue
            tokens = [*head, Token("keyword", keyword), _SPACE, Token("value", str(number))]
            on = g.value(node, OWL.onClass) or g.value(node, OWL.onDataRange)
            if qualified and on is not None:
                tokens += [_SPACE, *wrapped(self.expression(on, depth))]
            return Expression(tuple(tokens), atomic=False)
        return Expression((*head, _UNKNOWN), atomic=False)

    def _restricted_datatype(self, node: Node, datatype: Node, depth: int) -> Expression:
        """`xsd:integer[>= 0, <= 10]`."""
        facets: list[Token] = []
        for restriction in self.rdf_list(node, OWL.withRestrictions) or []:
            for facet, value in sorted(self.g.predicate_objects(restriction)):
                if facet in _FACETS:
                    if facets:
                        facets.append(Token("text", ", "))
                    facets += [Token("keyword", _FACETS[facet]), _SPACE]
                    facets.append(Token("value", literal_text(value)))
        base = wrapped(self.expression(datatype, depth))
        return Expression((*base, Token("text", "["), *facets, Token("text", "]")), atomic=True)


def literal_text(node: Node) -> str:
    """Numbers and booleans bare, other literals quoted (with their language tag)."""
    if not isinstance(node, Literal):
        return str(node)
    if node.datatype in _NUMERIC:
        return str(node)
    return f'"{node}"' + (f"@{node.language}" if node.language else "")


def wrapped(expression: Expression) -> tuple[Token, ...]:
    """The expression's tokens, parenthesised unless atomic (Protégé's layout)."""
    if expression.atomic:
        return expression.tokens
    return (Token("text", "("), *expression.tokens, Token("text", ")"))


def joined(parts: list[Expression], keyword: str) -> Expression:
    """`A and (P some B)`: operands joined by a keyword."""
    tokens: list[Token] = []
    for part in parts:
        if tokens:
            tokens += [_SPACE, Token("keyword", keyword), _SPACE]
        tokens += wrapped(part)
    if not parts:
        tokens = [_UNKNOWN]
    return Expression(tuple(tokens), atomic=len(parts) <= 1 and all(p.atomic for p in parts))


def enumeration(parts: list[Expression]) -> Expression:
    """`{Confirmed, Unconfirmed}`."""
    tokens: list[Token] = [Token("text", "{")]
    for index, part in enumerate(parts):
        if index:
            tokens.append(Token("text", ", "))
        tokens += part.tokens
    return Expression((*tokens, Token("text", "}")), atomic=True)
