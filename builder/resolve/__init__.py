"""Stage 2, resolve: references, old ids, quotes and prose checked across records; the resolved site."""
