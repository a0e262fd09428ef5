"""Stage 4, publishing: what the built graph is offered as, to people and to machines.

The URL scheme of documents (`documents`, `negotiate`), a resource's description (`describe`),
JSON-LD (`jsonld`), the dataset's VoID/DCAT description (`void`) and its coverage in time
(`coverage`), the release files (`release`), the w3id.org redirect rules (`htaccess`) and the
linked-data checker that verifies them all from outside (`ldcheck`).
"""
