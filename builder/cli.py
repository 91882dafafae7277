"""The ``summitry`` command: the only place where errors become messages and exit codes."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from .errors import Problem, SummitryError, ValidationFailed
from .json_schema import SCHEMA_DIR, write_schemas
from .new import ASKS, create
from .pipeline import ENGINES, Project, build, check, generate

EXIT_PROBLEMS = 1
EXIT_INTERRUPTED = 130  # as a shell reports a command ended by Ctrl-C


def _warn(problem: Problem) -> None:
    print(f"warning: {problem}", file=sys.stderr)


def _cmd_check(project: Project, args: argparse.Namespace) -> int:
    if args.format == "json":
        try:
            check(project, args.strict)
        except ValidationFailed as exc:
            print(json.dumps([p.as_dict() for p in exc.problems], indent=1, ensure_ascii=False))
            return EXIT_PROBLEMS
        print("[]")
        return 0
    site = check(project, args.strict, _warn)
    print(
        f"ok: {len(site.leaders)} leaders, {len(site.meetings)} meetings, {len(site.issues)} issues, "
        f"{len(site.sources)} sources, {len(site.relations)} relations"
    )
    return 0


def _cmd_generate(project: Project, args: argparse.Namespace) -> int:
    report = generate(project, args.strict, _warn, args.jobs)
    print(
        f"generated {project.docs.relative_to(project.root)}: {len(report.written)} written, "
        f"{report.unchanged} unchanged, {len(report.removed)} removed"
    )
    return 0


def _cmd_build(project: Project, args: argparse.Namespace) -> int:
    report = build(project, not args.no_strict, args.engine, args.strict, _warn, args.jobs)
    print(
        f"built {project.site_dir.relative_to(project.root)}/ from {len(report.written) + report.unchanged} pages "
        f"({len(report.written)} changed)"
    )
    return 0


def _cmd_new(project: Project, args: argparse.Namespace) -> int:
    given = {item.key: getattr(args, item.key, None) for item in ASKS[args.record]}
    ask = input if sys.stdin.isatty() else None
    try:
        path = create(project.root, args.record, given, ask, args.id)
    except (EOFError, KeyboardInterrupt) as exc:  # Ctrl-D or Ctrl-C at a question: every answer is asked first
        print("\ncancelled; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else EXIT_PROBLEMS
    print(f"wrote {path.relative_to(project.root)}; it passes summitry check")
    return 0


def _cmd_schema(project: Project, args: argparse.Namespace) -> int:
    written = write_schemas(project.root)
    print(f"{SCHEMA_DIR}/: {len(written)} written" + (f" ({', '.join(written)})" if written else ", all up to date"))
    return 0


def _cmd_serve(project: Project, args: argparse.Namespace) -> int:
    from .serve import serve  # imports MkDocs' server only when serving

    serve(project, args.dev_addr)
    return 0


COMMANDS: dict[str, tuple[Callable[[Project, argparse.Namespace], int], str, str]] = {
    "check": (
        _cmd_check,
        "Validate every record and reference; write nothing.",
        "summitry check\nsummitry check --root ../my-fork\nsummitry check --format json   # for tools",
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
        "summitry build\nsummitry build --engine zensical\npython -m http.server -d site 8000   # then open http://localhost:8000",
    ),
    "new": (
        _cmd_new,
        "Write a new record from flags (or answers, in a terminal); it is checked against the "
        "knowledge base before it is written, and never overwrites a file.",
        "summitry new meeting --title 'Geneva summit' --date 2021-06 --kind summit --location Geneva \\\n"
        "    --participants biden,putin --issues ukraine --summary 'First summit of [[biden]] and [[putin]].' \\\n"
        "    --source biden-putin-look-at-relationship --quote 'Think about their summit in Geneva in June 2021'",
    ),
    "schema": (
        _cmd_schema,
        "Write the JSON Schema of every kind of record into schema/, for editors.",
        "summitry schema",
    ),
    "serve": (
        _cmd_serve,
        "Generate and serve the site with live reload; regenerate when a record changes.",
        "summitry serve\nsummitry serve --dev-addr 127.0.0.1:8080",
    ),
}


def _flag_help(key: str) -> str:
    for items in ASKS.values():
        for item in items:
            if item.key == key:
                return item.question
    return key


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
        if name in ("check", "generate", "build"):
            cmd.add_argument(
                "--strict", action="store_true", help="warnings (references to old ids) are errors; CI runs this"
            )
        if name in ("generate", "build"):
            cmd.add_argument(
                "--jobs",
                type=int,
                metavar="N",
                help="processes rendering pages (default: one per core; used from 1,000 pages on)",
            )
        if name == "check":
            cmd.add_argument(
                "--format",
                choices=("text", "json"),
                default="text",
                help="json: a list of {path, line, column, kind, id, field, message} on standard output",
            )
        if name == "new":
            cmd.add_argument("record", choices=sorted(ASKS), help="the kind of record to create")
            cmd.add_argument("--id", help="the record's id (default: from the date and title, or the name)")
            for key in sorted({item.key for items in ASKS.values() for item in items}):
                cmd.add_argument("--" + key.replace("_", "-"), dest=key, help=_flag_help(key))
        if name == "build":
            cmd.add_argument("--no-strict", action="store_true", help="let MkDocs warnings pass (CI never does)")
            cmd.add_argument(
                "--engine",
                choices=ENGINES,
                default="mkdocs",
                help="the site engine: MkDocs (default) or Zensical, which reads the same mkdocs.yml",
            )
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
