"""Stage 3, answering SPARQL: the query text, the dataset it sees, and running it under limits.

`text` reads a query before any engine does (its form, the SERVICE/update guard, competency
questions and their parameters); `dataset` is the one rule for which graphs a query sees;
`executor` runs a job in a worker process (`worker` is that process's entry point, `pool` keeps
the workers, `isolation` cuts them off the network); `formats` writes results in the SPARQL
result and RDF media types, `render` for a terminal. The web endpoint (`natograph.web.sparql`)
is the HTTP protocol on top of these.
"""
