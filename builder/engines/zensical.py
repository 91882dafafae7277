"""Zensical, by the makers of Material for MkDocs: it reads mkdocs.yml itself.

It has no --site-dir, so it is given a three-line configuration beside the original that
inherits it (``INHERIT:``, which Zensical merges as MkDocs does) and sets only site_dir
and strict.
The user's YAML is read by Zensical as written, tags and all; nothing is re-dumped.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from builder.engines import BuildResult, Echo, Later, Publish, run, tied
from builder.errors import EngineFailed
from builder.incremental.own_files import create_new
from builder.incremental.scratch import process_gone

ENGINE_CONFIG = ".summitry-engine-{}.yml"
"""The child configuration's name: one no one can foresee, made anew, in the knowledge base's
folder (which a pull request can fill with links): a link planted under a name foreseen
would send the write, and the removal after it, wherever it points."""
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_LEFT = re.compile(r"\.summitry-engine-([0-9]{1,12})-[0-9a-f]{16}\.yml", re.ASCII)  # a killed build's


class Zensical:
    name = "zensical"
    builds_upon_last = False  # it keeps its own cache (.cache/)

    def build(
        self,
        root: Path,
        config_file: Path,
        site_dir: Path,
        strict: bool,
        echo: Echo | None = None,
        jobs: int | None = None,
        last: Path | None = None,
        cloned: bool = False,
    ) -> BuildResult:
        # Zensical runs its own threads and keeps its own cache (.cache/): jobs and last are MkDocs's.
        # Beside the original, so that relative paths (INHERIT, docs_dir, custom_dir) hold.
        installed = Path(sys.executable).parent / "zensical"
        if not installed.exists() and shutil.which("zensical") is None:
            raise EngineFailed("zensical is not installed: pip install zensical")
        _sweep(config_file.parent)
        child = config_file.with_name(ENGINE_CONFIG.format(f"{os.getpid()}-{secrets.token_hex(8)}"))
        # JSON strings are YAML strings: any path is quoted safely. Zensical has --strict but
        # no --no-strict, so strictness is set here, where it wins over the inherited file.
        with create_new(child) as handle:
            handle.write(
                f"INHERIT: {json.dumps(config_file.name)}\nsite_dir: {json.dumps(str(site_dir))}\n"
                f"strict: {json.dumps(strict)}\n".encode()
            )
        # tied: it ends with this build, killed or not, rather than write on into a folder the next build removes
        command = tied.command(
            os.getpid(), [str(installed) if installed.exists() else "zensical", "build", "--config-file", str(child)]
        )
        try:
            # Zensical's search stays its own (overrides/partials/search.html says why).
            return run(self.name, command + (["--strict"] if strict else []), root, _is_warning, echo)
        finally:
            child.unlink(missing_ok=True)

    def start(
        self,
        root: Path,
        config_file: Path,
        site_dir: Path,
        strict: bool,
        jobs: int | None = None,
        last: Path | None = None,
    ) -> Later:
        """Nothing to do before the docs are ready: Zensical starts when told, as :meth:`build`."""
        return Later(lambda cloned, echo: self.build(root, config_file, site_dir, strict, echo, jobs, last, cloned))

    def serve(self, config_file: Path, dev_addr: str, started: Callable[[Publish], None], dirty: bool = False) -> None:
        raise EngineFailed("summitry serve runs MkDocs or ProperDocs; for Zensical, run `zensical serve`")

    def serving(self) -> bool:
        return False


def _is_warning(line: str) -> bool:
    # Zensical colours its report even into a pipe.
    return _COLOUR.sub("", line).startswith("Warning:")


def _sweep(folder: Path) -> None:
    """Remove the configurations that builds killed before they could (kill -9) left: a
    file of that name whose process has ended on this machine, never a link."""
    for entry in os.scandir(folder):
        left = _LEFT.fullmatch(entry.name)
        if left and entry.is_file(follow_symlinks=False) and process_gone(int(left[1])):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
