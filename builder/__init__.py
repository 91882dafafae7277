"""Summitry's builder: YAML records to a cross-linked, source-cited static site.

The subpackages are the pipeline's stages, each importing only from those before it
(the import-layers contract in pyproject.toml holds it):

records -> resolve -> render -> incremental -> engines -> pipeline -> authoring, serve, cli
"""
