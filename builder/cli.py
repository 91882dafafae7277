"""The ``summitry`` command: the only place where errors become messages and exit codes."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from .errors import SummitryError, ValidationFailed
from .pipeline import Project, build, check, generate

EXIT_PROBLEMS = 1


def _cmd_check(project: Project, args: argparse.Namespace) -> int:
    site = check(project)
    print(
        f"ok: {len(site.leaders)} leaders, {len(site.meetings)} meetings, {len(site.issues)} issues, "
        f"{len(site.sources)} sources, {len(site.relations)} relations"
    )
    return 0


def _cmd_generate(project: Project, args: argparse.Namespace) -> int:
    report = generate(project)
    print(
        f"generated {project.docs.relative_to(project.root)}: {len(report.written)} written, "
        f"{report.unchanged} unchanged, {len(report.removed)} removed"
    )
    return 0


def _cmd_build(project: Project, args: argparse.Namespace) -> int:
    report = build(project, strict=not args.no_strict)
    print(
        f"built {project.site_dir.relative_to(project.root)}/ from {len(report.written) + report.unchanged} pages "
        f"({len(report.written)} changed)"
    )
    return 0


def _cmd_serve(project: Project, args: argparse.Namespace) -> int:
    from .serve import serve  # imports MkDocs' server only when serving

    serve(project, args.dev_addr)
    return 0


COMMANDS: dict[str, tuple[Callable[[Project, argparse.Namespace], int], str, str]] = {
    "check": (
        _cmd_check,
        "Validate every record and reference; write nothing.",
        "summitry check\nsummitry check --root ../my-fork",
    ),
    "generate": (
        _cmd_generate,
        "Check, then write the Markdown pages into build/docs (only files whose content changed; "
        "pages of deleted records are removed).",
        "summitry generate",
    ),
    "build": (
        _cmd_build,
        "Generate, then render the site into site/ with MkDocs in strict mode. A failed build "
        "leaves the previous site/ as it was.",
        "summitry build\npython -m http.server -d site 8000   # then open http://localhost:8000",
    ),
    "serve": (
        _cmd_serve,
        "Generate and serve the site with live reload; regenerate when a record changes.",
        "summitry serve\nsummitry serve --dev-addr 127.0.0.1:8080",
    ),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="summitry",
        description="Keep a source-cited knowledge base of leaders, meetings and issues, and publish it.",
        epilog="Run 'summitry COMMAND --help' for a command's options and an example.",
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text, example) in COMMANDS.items():
        cmd = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog="example:\n" + textwrap.indent(example, "  "),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        cmd.add_argument("--root", type=Path, default=Path("."), help="the knowledge base's folder (default: .)")
        if name == "build":
            cmd.add_argument("--no-strict", action="store_true", help="let MkDocs warnings pass (CI never does)")
        if name == "serve":
            cmd.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (default: %(default)s)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    project = Project(args.root.resolve())
    handler = COMMANDS[args.command][0]
    try:
        return handler(project, args)
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    except SummitryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
