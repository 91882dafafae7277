"""Reading mkdocs.yml for the builder, as the engines write it, without running any of it.

MkDocs reads its configuration with PyYAML's full loader plus ``!ENV``, so configurations
carry tags such as ``!!python/name:material.extensions.emoji.twemoji`` (Material's emoji
recipe) that a safe loader rejects. The builder needs only a few plain settings, so any
such tag becomes an :class:`Opaque` marker: its name is kept, nothing it names is
imported and no object is made. ``!ENV`` is resolved the way MkDocs does (pyyaml_env_tag).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from builder.errors import SummitryError
from builder.records import limits
from builder.records.safe_files import read_regular


@dataclass(frozen=True)
class Opaque:
    """A value the engine would construct (a Python name, an object); here only its tag."""

    tag: str


@dataclass(frozen=True)
class SiteConfig:
    """What the builder takes from the engine's configuration."""

    site_url: str  # with one trailing slash, or "" when there is none
    site_name: str
    edit_base: str | None  # repo_url joined with edit_uri, with a trailing slash
    extensions: tuple[str, ...]  # the names under markdown_extensions, sorted


class TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads every tag: !ENV resolved, any other tag left opaque."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``: the first variable set, else the default.

    A variable's text is typed by YAML's implicit rules (so "true" is a bool), as in MkDocs.
    """
    default: Any = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1], deep=True)
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children if isinstance(child, yaml.ScalarNode)]
    else:
        raise yaml.constructor.ConstructorError(
            None, None, "!ENV takes a name, or a list of names and a default", node.start_mark
        )
    for name in names:
        if isinstance(name, str) and name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


def _opaque(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Opaque:
    return Opaque(node.tag)


def _opaque_unknown(loader: yaml.SafeLoader, node: yaml.Node) -> Opaque:
    return Opaque(node.tag or "")


TolerantLoader.add_constructor("!ENV", _env)
# Python tags name code to import or call (os.system, a class to instantiate): never done here.
TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _opaque)
TolerantLoader.add_constructor(None, _opaque_unknown)


def load(path: Path) -> dict[str, Any]:
    """The configuration as a mapping, with what it inherits (``INHERIT:``) merged in as
    MkDocs merges it; a file that is not YAML is a SummitryError naming it."""
    files = list(_chain(path))
    config: dict[str, Any] = {}
    for _, own in reversed(files):  # the furthest first, each nearer one over it
        config = _merged(config, own)
    config.pop("INHERIT", None)
    return config


def inherited(path: Path) -> list[Path]:
    """The files the configuration at ``path`` inherits from (``INHERIT:``), nearest first:
    what a run reads besides it. A file that cannot be read is left to :func:`load` to say."""
    found = []
    try:
        found += [file for file, _ in _chain(path)]
    except SummitryError:
        pass
    return found[1:]


def _chain(path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The file at ``path`` and each it inherits from in turn, as written."""
    chain = [path]
    config = _load(path)
    yield path, config
    while "INHERIT" in config:
        chain.append(_parent(chain[-1], config["INHERIT"], chain))
        config = _load(chain[-1])
        yield chain[-1], config


def _parent(path: Path, named: Any, chain: list[Path]) -> Path:
    """The file ``INHERIT: named`` in ``path`` names: beside it, as MkDocs finds it."""
    if not isinstance(named, str) or not named:
        raise SummitryError(f"{path}: INHERIT must name a configuration file")
    parent = Path(os.path.normpath(os.path.join(os.path.dirname(path), named)))
    if parent in chain:
        raise SummitryError(f"{path}: INHERIT '{named}' leads back to a file it inherits from")
    if not parent.is_file():
        raise SummitryError(f"{path}: the configuration it inherits, '{named}', is not a file at {parent}")
    return parent


def _merged(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``parent``: mappings merged key by key, any other value replaced (as
    mergedeep, which MkDocs merges inherited configurations with, does by default)."""
    out = dict(parent)
    for key, value in child.items():
        was = out.get(key)
        out[key] = _merged(was, value) if isinstance(was, dict) and isinstance(value, dict) else value
    return out


def _load(path: Path) -> dict[str, Any]:
    """One configuration file as a mapping, as written."""
    try:
        text = read_regular(path, limits.CONFIG_BYTES).decode("utf-8")
    except OSError as exc:  # a named pipe, a device, a file larger than any configuration
        raise SummitryError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SummitryError(f"{path}: cannot read it: {exc}") from exc
    try:
        config = yaml.load(text, Loader=TolerantLoader)
    except RecursionError as exc:  # the parser recurses once per level of nesting
        raise SummitryError(f"{path}: cannot read it: its values are nested too deeply") from exc
    except yaml.MarkedYAMLError as exc:  # where it is wrong, in one line (the parser's own text spans several)
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        context = f" ({exc.context}, line {exc.context_mark.line + 1})" if exc.context and exc.context_mark else ""
        raise SummitryError(f"{where}: not valid YAML: {exc.problem or exc.context}{context}") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SummitryError(f"{path}: cannot read it: {exc}") from exc
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise SummitryError(f"{path}: cannot read it: expected a mapping of settings at the top")
    return config


def _text(value: Any) -> str:
    """A setting written as text or a number; anything else (a list, an opaque tag) counts as unset."""
    return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def site_config(path: Path, default_name: str) -> SiteConfig:
    """The few settings the builder uses, from the configuration file at ``path``."""
    config = load(path)
    repo, edit_uri = _text(config.get("repo_url")), _text(config.get("edit_uri"))
    edit_base = repo.rstrip("/") + "/" + edit_uri.strip("/") + "/" if repo and edit_uri else None
    site_url = _text(config.get("site_url"))
    names: set[str] = set()
    for entry in config.get("markdown_extensions") or []:
        if isinstance(entry, dict) and entry:
            names.add(str(next(iter(entry))))
        elif isinstance(entry, str):
            names.add(entry)
    return SiteConfig(
        site_url.rstrip("/") + "/" if site_url else "",
        _text(config.get("site_name")) or default_name,
        edit_base,
        tuple(sorted(names)),
    )
