"""Stage 3, render: the resolved site to Markdown pages, pictures, linked data and exports, with no I/O."""
