"""YAML 1.2 for PyYAML: records mean what yaml-language-server, the editors' YAML, says they mean.

PyYAML resolves plain scalars by YAML 1.1, where ``NO``, ``yes``, ``on`` and ``off`` are
booleans and ``2021-06-16`` a timestamp; YAML 1.2's core schema, which editors read, has
only ``true`` and ``false`` and no timestamps. The loader here resolves by the core schema,
so ``country: NO`` is the text NO in the editor and in ``summitry check`` alike. The dumper
quotes whatever either version would read as other than text, so what it writes means the
same to any reader.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import BaseResolver

BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"

_DIGITS = list("-+0123456789")
# (tag, pattern, first characters): the core schema's implicit types, ints before floats
# (a resolver tries them in order). '<<' is no merge key in 1.2; it is resolved as one still
# so that the loader can refuse it by name rather than call it an unknown field.
CORE: list[tuple[str, re.Pattern[str], list[str]]] = [
    (BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    (NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    (INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), _DIGITS),
    (
        FLOAT,
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        [*_DIGITS, "."],
    ),
    (MERGE, re.compile(r"^<<$"), ["<"]),
]


class CoreResolver(BaseResolver):
    pass


for _tag, _pattern, _first in CORE:
    CoreResolver.add_implicit_resolver(_tag, _pattern, _first)

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)


class Loader(_Parser, SafeConstructor, CoreResolver):
    """Composes nodes tagged by YAML 1.2's core schema (libyaml's parser where present)."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        CoreResolver.__init__(self)


_WRITTEN = {tag: pattern for tag, pattern, _ in CORE}
_NAMED = {BOOL: "true or false", INT: "a whole number", FLOAT: "a number"}


def scalar(tag: str, text: str) -> Any:
    """The value of a scalar of a core-schema tag; ValueError if it is not written as that
    type is (an explicit ``!!bool "yes"``, which 1.1 read as true and a plain test as
    false), or if Python cannot hold it."""
    if not _WRITTEN[tag].match(text):
        raise ValueError(f"YAML 1.2 writes a {tag.rpartition(':')[2]} only as {_NAMED[tag]}")
    if tag == BOOL:
        return text.lower() == "true"
    if tag == INT:
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)  # leading zeros are decimal in 1.2: 010 is ten
    lowered = text.lower().lstrip("+")
    if lowered in (".inf", "-.inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    return float(text)


class Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, which quotes what 1.1 reads as other than text, taught 1.2's
    numbers too (1e5 and 0o17 are text to 1.1 and numbers to 1.2)."""


for _tag, _pattern, _first in CORE:
    Dumper.add_implicit_resolver(_tag, _pattern, _first)
