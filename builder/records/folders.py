"""Where a knowledge base keeps what: the records' folders, and which files are nobody's content.

Kept apart from the kind registry (builder.kinds), which needs the record models: a run that
only looks whether anything changed (builder.state) reads this alone, and starts fast.
"""

from __future__ import annotations

FOLDERS = {
    "leader": "leaders",
    "meeting": "content/meetings",
    "issue": "content/issues",
    "source": "content/sources",
    "relation": "content/relations",
}
"""Each kind's records folder, from the knowledge base's root."""

PAGES_DIR = "content/pages"
"""The hand-written pages, copied into the site as they are."""

# the top folders that hold records: a knowledge base has at least one of them
RECORD_TOPS = tuple(sorted({folder.split("/")[0] for folder in FOLDERS.values()}))

# Editors keep their own files beside the one being edited: Emacs a lock '.#name.yaml' (often
# a dangling link) and an autosave '#name.yaml#', vim '.name.yaml.swp', many a backup
# 'name.yaml~', JetBrains 'name.yaml___jb_tmp___'. Those, and hidden files, are never records
# or pages, and saving in an editor must not break a check or start a rebuild.
_EDITOR_PREFIXES = (".", "#")
_EDITOR_SUFFIXES = ("~", "#", ".swp", ".swo", ".swx", "___jb_tmp___", "___jb_old___")


def ignored(name: str) -> bool:
    """Whether a file or folder name is hidden or an editor's own file, not content."""
    return name.startswith(_EDITOR_PREFIXES) or name.endswith(_EDITOR_SUFFIXES)
