"""Stage 1, building the graph: parse the Turtle, check it (SHACL, HermiT), reason over it.

`pipeline` runs the stages in order for the CLI, the server and the tests alike; each other
module is one step (`parse`, `validate`, `reason`, `hermit`, `temporal`) or serves the steps
(`definitions` reads the ontology's own declarations, `diagnostics` turns failures into
file:line reports, `cache` keeps the slow steps' results under a hash of their inputs, `fmt`
writes the files back in the house style).
"""
