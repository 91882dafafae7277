"""What a theme's templates show of other pages than the one they render.

A site build upon the last site (and the preview) keeps the pages whose Markdown did not
change. That holds only while no page shows what another is made of: a template reading
``pages``, or another page's headings, HTML or Markdown, makes every build a full one
(builder.engines.mkdocs). This reads the templates' Jinja trees, as the theme's environment
parses them, and runs none of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2.nodes

# What a page is made of, from its Markdown: a template that shows another page's shows a
# change to that page on pages a build keeps
_RENDERED = frozenset({"toc", "content", "markdown"})


def reading_pages(env: Any, config: Any) -> list[tuple[str, str]]:
    """The theme's templates that show other pages than the one they render (but those made
    whole on every build: the sitemap, the 404 page), each with what it reads: ``pages``,
    MkDocs's list of every page, or another page's headings, HTML or Markdown (``toc``,
    ``content``, ``markdown``, reached through ``page.next_page``, the navigation's items and
    the like). A page shows what such a template makes of other pages, so no page can be kept
    as it was when another changes. Neither Material's templates nor MkDocs's own theme read
    them (its readthedocs theme does: each page lists every page's headings); an override may.
    The titles, addresses and front matter of the navigation's pages, which Material's read,
    are the navigation's shape (:func:`_shape`).

    Another page's parts are looked for in the templates a page is made with (``main.html``
    and what it extends, includes or imports) and in every override: the theme's other
    templates serve its plugins (Material's blog and tags, with which every build is a full
    one), and read what only those plugins give them."""
    static = set(config.theme.static_templates)
    custom = config.theme.custom_dir
    trees: dict[str, tuple[Any, str]] = {}
    for name in env.list_templates(extensions=["html"]):
        if name in static:
            continue
        try:
            source, filename, _ = env.loader.get_source(env, name)
            trees[name] = (env.parse(source), filename)
        except Exception:  # a link to nothing (an editor's lock file), or not Jinja: no page renders it
            continue
    shown = _reached({name: tree for name, (tree, _) in trees.items()}, "main.html")
    found = []
    for name, (tree, filename) in trees.items():
        overridden = bool(custom) and Path(filename).is_relative_to(custom)
        if what := _others_read(tree, parts=name in shown or overridden):
            found.append((name, what))
    return found


def _reached(trees: dict[str, Any], root: str) -> set[str]:
    """The templates ``root`` extends, includes or imports, and those they do, and so on; a
    name made as the page renders counts as every template it may be (all of them, at worst)."""
    nodes = jinja2.nodes

    def named(expr: Any) -> set[str]:
        if isinstance(expr, nodes.Const) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, (nodes.List, nodes.Tuple)):
            return {name for item in expr.items for name in named(item)}
        if isinstance(expr, nodes.CondExpr):
            return named(expr.expr1) | (named(expr.expr2) if expr.expr2 is not None else set())
        first = expr.nodes[0] if isinstance(expr, nodes.Concat) else expr.left if isinstance(expr, nodes.Add) else None
        prefix = first.value if isinstance(first, nodes.Const) and isinstance(first.value, str) else ""
        return {name for name in trees if name.startswith(prefix)}

    reached: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name in reached or name not in trees:
            continue
        reached.add(name)
        for node in trees[name].find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            todo.extend(named(node.template))
    return reached


def _others_read(tree: Any, parts: bool = True) -> str:
    """What of other pages a template's tree reads ("" if nothing): ``pages``, or (if ``parts``)
    another page's rendered parts; :func:`reading_pages`."""
    nodes = jinja2.nodes
    names = list(tree.find_all(nodes.Name))
    if any(node.name == "pages" and node.ctx == "load" for node in names):
        return "`pages`, every page of the site"
    if not parts:
        return ""
    # `page` bound anew (a loop's or a macro's `page`) may be any page
    rebound = any(node.name == "page" and node.ctx != "load" for node in names)
    any_config_bound = any(node.name == "config" and node.ctx != "load" for node in names)

    def of_another(held: Any) -> bool:
        if not rebound and isinstance(held, nodes.Name) and held.name == "page":
            return False
        while isinstance(held, (nodes.Getattr, nodes.Getitem)):
            held = held.node
        # the site's settings (config.mdx_configs.toc) are no page's
        return not (isinstance(held, nodes.Name) and held.name == "config" and not any_config_bound)

    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Keyword)):
        if isinstance(node, nodes.Getattr):
            part = node.attr if of_another(node.node) else None
        elif isinstance(node, nodes.Getitem):
            part = node.arg.value if isinstance(node.arg, nodes.Const) and of_another(node.node) else None
        elif isinstance(node, nodes.Filter):  # x | attr("toc")
            first = node.args[0] if node.name == "attr" and node.args and of_another(node.node) else None
            part = first.value if isinstance(first, nodes.Const) else None
        else:  # map(attribute="toc.items"), sort(attribute="content"), ...
            held = node.value
            part = (
                held.value.partition(".")[0]
                if node.key == "attribute" and isinstance(held, nodes.Const) and isinstance(held.value, str)
                else None
            )
        if part in _RENDERED:
            return f"`{part}` of other pages than the one it renders"
    return ""
