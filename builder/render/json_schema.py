"""JSON Schema for each kind of record, from the same models the builder validates with.

Editors (through yaml-language-server) use them to complete field names and flag mistakes
as you type. They check what a schema can: fields, types, date and id forms. What needs
the whole knowledge base (references, quotes) only `summitry check` can.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builder.records.kinds import KINDS

SCHEMA_DIR = Path("schema")
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_file(kind: str) -> str:
    return f"{kind}.schema.json"


def json_schema(kind: str) -> dict[str, Any]:
    schema = KINDS[kind].model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DIALECT, **schema}


def schema_texts() -> dict[str, str]:
    """File name -> text, formatted the same way every time."""
    return {schema_file(kind): json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n" for kind in KINDS}


def modeline(kind: str) -> str:
    """The first line of a record file: tells yaml-language-server which schema applies."""
    depth = KINDS[kind].folder.count("/") + 1
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_DIR}/{schema_file(kind)}"


def write_schemas(root: Path) -> list[str]:
    """Write schema/*.schema.json where they differ; return the names written."""
    folder = root / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(name)
    return written
