"""Zensical, by the makers of Material for MkDocs: it reads mkdocs.yml itself.

It has no --site-dir, so it is given a two-line configuration beside the original that
inherits it (``INHERIT:``, which Zensical merges as MkDocs does) and sets only site_dir.
The user's YAML is read by Zensical as written, tags and all; nothing is re-dumped.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import EngineFailed
from . import BuildResult, run

ENGINE_CONFIG = ".summitry-engine.yml"
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


class Zensical:
    name = "zensical"

    def build(self, root: Path, config_file: Path, site_dir: Path, strict: bool) -> BuildResult:
        # Beside the original, so that relative paths (INHERIT, docs_dir, custom_dir) hold.
        child = config_file.with_name(ENGINE_CONFIG)
        # JSON strings are YAML strings: any path is quoted safely.
        child.write_text(
            f"INHERIT: {json.dumps(config_file.name)}\nsite_dir: {json.dumps(str(site_dir))}\n", encoding="utf-8"
        )
        installed = Path(sys.executable).parent / "zensical"
        command = [str(installed) if installed.exists() else "zensical", "build", "--config-file", str(child)]
        try:
            return run(self.name, command + (["--strict"] if strict else []), root, _is_warning)
        finally:
            child.unlink(missing_ok=True)

    def serve(self, config_file: Path, dev_addr: str, started: Callable[[], None]) -> None:
        raise EngineFailed("summitry serve runs MkDocs or ProperDocs; for Zensical, run `zensical serve`")


def _is_warning(line: str) -> bool:
    # Zensical colours its report even into a pipe.
    return _COLOUR.sub("", line).startswith("Warning:")
