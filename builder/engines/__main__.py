"""``python -m builder.engines``: the MkDocs build of ``summitry build``, in a process of its own."""

from __future__ import annotations

import sys

from builder.engines.mkdocs import main

sys.exit(main())
