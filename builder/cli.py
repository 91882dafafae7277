"""The ``summitry`` command: the only place where errors become messages and exit codes."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from builder.authoring.answers import ASKS, CITING, Request, flag, takes_distinct
from builder.authoring.new import create
from builder.errors import (
    AddressTaken,
    NotAKnowledgeBase,
    Problem,
    Stopped,
    SummitryError,
    ValidationFailed,
    listed,
    printable,
)
from builder.pipeline import Project, check, generate
from builder.publish import ENGINES, build
from builder.render.json_schema import SCHEMA_DIR, write_schemas

EXIT_PROBLEMS = 1
EXIT_USAGE = 2  # as argparse exits on a bad command line
# what each command needs of the folder: records to read, or records and mkdocs.yml to render;
# `new` may start a knowledge base in any existing folder
RENDERS = {"build", "serve"}
STARTS = {"new"}
EXIT_INTERRUPTED = 130  # as a shell reports a command ended by Ctrl-C


def _warn(problem: Problem) -> None:
    print(f"warning: {problem}", file=sys.stderr)


def _note(line: str) -> None:
    print(line, file=sys.stderr)


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


def _generate_json(project: Project, args: argparse.Namespace) -> int:
    """The run's outcome as one JSON object on standard output, for tools (summitry serve)."""
    warnings: list[Problem] = []
    notes: list[str] = []
    result: dict[str, object] = {"ok": False, "problems": [], "error": None}
    try:
        report = generate(project, args.strict, warnings.append, args.jobs, note=notes.append)
    except ValidationFailed as exc:
        result["problems"] = [p.as_dict() for p in exc.problems]
    except SummitryError as exc:
        result["error"] = str(exc)
    else:
        result.update(ok=True, written=report.written, unchanged=report.unchanged, removed=report.removed)
    result["warnings"] = [w.as_dict() for w in warnings]
    result["notes"] = notes
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else EXIT_PROBLEMS


class _Progress:
    """Pages rendered so far, on standard error, every tenth of a long run (a short one says nothing)."""

    LONG = 1000  # jobs; a run this size takes seconds, and a reader wants to know it is moving

    def __init__(self) -> None:
        self.told = 0

    def __call__(self, done: int, total: int) -> None:
        step = done * 10 // total
        if total >= self.LONG and step > self.told:
            self.told = step
            print(f"rendered {done:,} of {total:,} pages", file=sys.stderr, flush=True)


_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def _echo(line: str) -> None:
    """The engine's own output as it builds: its phases, and any warning, as it prints them.
    Zensical colours it even into a pipe; a log file or CI gets it plain."""
    print(line if sys.stderr.isatty() else _COLOUR.sub("", line), file=sys.stderr, flush=True)


def _cmd_generate(project: Project, args: argparse.Namespace) -> int:
    if args.format == "json":
        return _generate_json(project, args)
    report = generate(project, args.strict, _warn, args.jobs, _Progress(), _note)
    print(
        f"generated {project.docs.relative_to(project.root)}: {len(report.written)} written, "
        f"{report.unchanged} unchanged, {len(report.removed)} removed"
    )
    return 0


def _cmd_build(project: Project, args: argparse.Namespace) -> int:
    report = build(
        project, not args.no_strict, args.engine, args.strict, _warn, args.jobs, _Progress(), _echo, args.clean, _note
    )
    for name in report.swept:
        print(f"removed {name}/, the scratch folder of a build that was stopped")
    # What tells a reader something is how many of the files (pages, data, the search index)
    # differ from those the last site was made of (not from the last generate).
    since = "no earlier build noted" if report.changed is None else f"{report.changed} changed since the last build"
    site, docs = project.site_dir.relative_to(project.root), project.docs.relative_to(project.root)
    print(f"built {site}/ from {report.pages} files of {docs}/ ({since})")
    return 0


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _cmd_new(project: Project, args: argparse.Namespace) -> int:
    given = {item.key: getattr(args, item.key, None) for item in ASKS[args.record] if item.key not in CITING}
    distinct = [v.strip() for v in (getattr(args, "distinct_from", None) or "").split(",") if v.strip()]
    request = Request(args.record, given, args.cites, args.id, distinct)
    ask = input if sys.stdin.isatty() else None
    fresh = not project.has_records()
    advised: list[Problem] = []
    try:
        written = create(project.root, request, ask, _say, advised.append)
    except (EOFError, KeyboardInterrupt) as exc:  # Ctrl-D or Ctrl-C at a question: nothing is written before the last
        print("\ncancelled; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else EXIT_PROBLEMS
    where = f", the first record of a new knowledge base in {project.root}" if fresh else ""
    record, *text = (path.relative_to(project.root) for path in written.files)
    also = f" and its archived text {text[0]}" if text else ""
    for problem in advised:  # as check gives it: a warning to weigh, not a refusal
        _warn(problem)
    told = ", with the warnings above" if advised else ""
    if written.warnings:  # the advice stays a warning under --strict; these do not
        told += f" (summitry check --strict refuses {'it' if len(advised) == 1 else f'{written.warnings} of them'})"
    if written.elsewhere:  # what the knowledge base fails on already: "check" does not pass, whatever the record
        many = "problem" if written.elsewhere == 1 else "problems"
        told += f"; summitry check still fails on {written.elsewhere} {many} in other records (it lists them)"
    passes = "it passes the checks summitry check makes of it" if written.elsewhere else "it passes summitry check"
    print(f"wrote {record}{also}{where}; {passes}{told}")
    return 0


def _cmd_draft(project: Project, args: argparse.Namespace) -> int:
    from builder.authoring.draft import draft, newcomers, table

    findings, written = draft(project.root, args.source, args.out)
    print("\n".join([*table(findings), *newcomers(findings), *written]))
    return 0


def _at_least_one(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of passages: give 1 or more")
    return number


def _cmd_quote(project: Project, args: argparse.Namespace) -> int:
    from builder.authoring.quote import quote_lines

    print("\n".join(quote_lines(project, args.source, args.words, args.limit)))
    return 0


def _cmd_schema(project: Project, args: argparse.Namespace) -> int:
    written = write_schemas(project.root)
    print(f"{SCHEMA_DIR}/: {len(written)} written" + (f" ({', '.join(written)})" if written else ", all up to date"))
    return 0


def _refused_while_serving(exc: SummitryError) -> None:
    """A save summitry serve refused: the lines check gives, and that the site is as it was."""
    _failed_before_serving(exc)
    print("The site shows the last good version.", file=sys.stderr, flush=True)


def _failed_before_serving(exc: SummitryError) -> None:
    """serve's first run refused: the lines check gives (there is no site to show yet)."""
    for line in _told(exc):
        print(line, file=sys.stderr, flush=True)


def _cmd_serve(project: Project, args: argparse.Namespace) -> int:
    from builder.serve import Tell, serve  # imports MkDocs' server only when serving

    tell = Tell(_warn, _note, _refused_while_serving, _failed_before_serving)
    serve(project, args.dev_addr, tell, args.engine, args.dirty)
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
    "draft": (
        _cmd_draft,
        "Read a source's archived text and write the meetings it reports as candidate records into "
        "drafts/<source>/ (never into leaders/ or content/); print what was proposed, found already "
        "recorded or set aside, and why.",
        "summitry draft trump-putin-complex-relationship\nsummitry draft my-source --out /tmp/drafts",
    ),
    "quote": (
        _cmd_quote,
        "Find the passages of a source's archived text that best match some words, printed exactly "
        "as the archive has them, ready to paste as a citation's quote.",
        "summitry quote biden-putin-look-at-relationship 'summit in Geneva June 2021'",
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


FORMAT_HELP = {
    "check": "json: a list of {path, line, column, kind, id, field, message} on standard output",
    "generate": "json: one object {ok, written, unchanged, removed, warnings, problems, error} on standard output",
}
SERVE_ENGINES = ("mkdocs", "properdocs")


class _Cite(argparse.Action):
    """--source and --quote, kept in the order given: each quote cites the source before it."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: Any = None
    ) -> None:
        namespace.cites = [*getattr(namespace, "cites", []), (self.dest, values)]


_FLAG_HELP = {
    "source": "a source's id; give it again for another citation",
    "quote": "the words of the source before it that support the record; give it again for another",
    "archive": "a file of the source's text, kept as content/sources/<id>.txt to check quotes against",
}


def _new_parsers(new: argparse.ArgumentParser, root: argparse.ArgumentParser) -> None:
    """One parser for each kind of record, with the flags of that kind only."""
    kinds = new.add_subparsers(dest="record", required=True, metavar="KIND")
    for kind, items in sorted(ASKS.items()):
        one = kinds.add_parser(
            kind,
            parents=[root],
            help=f"a new {kind}",
            description=f"Write a new {kind} record from flags, or answer the questions in a terminal.",
        )
        one.set_defaults(cites=[], kind_parser=one)
        one.add_argument(
            "--id", help="the record's id, its file name and permanent address (default: made from the answers)"
        )
        for item in items:
            action = _Cite if item.key in CITING else "store"
            one.add_argument(flag(item.key), dest=item.key, action=action, help=_FLAG_HELP.get(item.key, item.question))
        if takes_distinct(kind):
            one.add_argument(
                "--distinct-from",
                metavar="IDS",
                help=f"ids of {kind}s it may be taken for but is not (comma-separated)",
            )


def _version() -> str:
    try:
        return importlib.metadata.version("summitry")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="summitry",
        description="Keep a source-cited knowledge base of leaders, meetings and issues, and publish it.",
        epilog="Run 'summitry COMMAND --help' for a command's options and an example.",
    )
    top.add_argument("--version", action="version", version=f"summitry {_version()}")
    # --root before or after the command: SUPPRESS, so that a command's parser that was not
    # given it does not reset what the top one was given
    root = argparse.ArgumentParser(add_help=False)
    root.add_argument("--root", type=Path, default=argparse.SUPPRESS, help="the knowledge base's folder (default: .)")
    top.add_argument("--root", type=Path, default=argparse.SUPPRESS, help="the knowledge base's folder (default: .)")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text, example) in COMMANDS.items():
        cmd = sub.add_parser(
            name,
            parents=[root],
            help=help_text,
            description=help_text,
            epilog="example:\n" + textwrap.indent(example, "  "),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name in ("check", "generate", "build"):
            cmd.add_argument(
                "--strict", action="store_true", help="warnings (references to old ids) are errors; CI runs this"
            )
        if name in ("generate", "build"):
            cmd.add_argument(
                "--jobs",
                type=int,
                metavar="N",
                help="processes rendering pages (default: one per core; used from 1,000 pages on"
                + ("; MkDocs's pages from 200 on)" if name == "build" else ")"),
            )
        if name in ("check", "generate"):
            cmd.add_argument(
                "--format",
                choices=("text", "json"),
                default="text",
                help=FORMAT_HELP[name],
            )
        if name == "new":
            _new_parsers(cmd, root)
        if name in ("draft", "quote"):
            cmd.add_argument("source", help="the source's id (content/sources/<id>.yaml, with an archived text)")
        if name == "draft":
            cmd.add_argument("--out", type=Path, help="folder for the candidates (default: drafts/<source>/)")
        if name == "quote":
            cmd.add_argument("words", help="the words to look for")
            cmd.add_argument(
                "--limit", type=_at_least_one, default=3, help="passages to show at most (default: %(default)s)"
            )
        if name == "build":
            cmd.add_argument("--no-strict", action="store_true", help="let MkDocs warnings pass (CI never does)")
            cmd.add_argument(
                "--clean",
                action="store_true",
                help="render every page, not only those that changed since the last build (MkDocs)",
            )
        if name in ("build", "serve"):
            cmd.add_argument(
                "--engine",
                choices=ENGINES if name == "build" else SERVE_ENGINES,
                default="mkdocs",
                help="the site engine: MkDocs (default), its fork ProperDocs"
                + (", or Zensical; all read the same mkdocs.yml" if name == "build" else ""),
            )
        if name == "serve":
            cmd.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (default: %(default)s)")
            cmd.add_argument(
                "--dirty",
                action="store_true",
                help="rebuild with MkDocs's own dirty builds instead of rendering only the changed pages (slower)",
            )
    return top


def main(argv: list[str] | None = None) -> int:
    top = parser()
    args, extra = top.parse_known_args(argv)
    if extra:
        kind = getattr(args, "kind_parser", None)
        if kind is not None and extra[0].startswith("--"):
            taken = f"summitry new {args.record} --help lists what it takes"
            kind.error(f"a {args.record} takes no {extra[0].split('=')[0]} ({taken})")
        top.error(f"unrecognized arguments: {' '.join(extra)}")
    project = Project(getattr(args, "root", Path(".")).resolve())
    handler = COMMANDS[args.command][0]
    try:
        if args.command in STARTS:
            project.require_folder()
        else:
            project.require(args.command, renders=args.command in RENDERS)
        return handler(project, args)
    except (NotAKnowledgeBase, AddressTaken) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SummitryError as exc:
        for line in _told(exc, writes=args.command not in READ_ONLY):
            print(line, file=sys.stderr)
        return EXIT_PROBLEMS


READ_ONLY = ("check", "quote")  # commands that never write: their problems need no "nothing was written"


def _told(exc: SummitryError, writes: bool = True) -> list[str]:
    """What a user is told of an error: each problem on its line, and how many there are."""
    if not isinstance(exc, ValidationFailed):
        return [f"error: {printable(str(exc))}"]
    count = len(exc.problems)
    found = f"{count} problem{'s' if count != 1 else ''} found"
    return [*listed(exc.problems), f"{found}; nothing was written." if writes else f"{found}."]


def entry() -> None:
    """The ``summitry`` command: main(), then an exit that does not take apart what the run
    built (at 10,000 meetings, freeing the site object by object takes the better part of a
    second). Everything is written and closed by then; the output is flushed here.

    Ctrl-C ends it quietly, as a shell reports it; so does a reader that stops reading
    (``summitry quote ... | head -1``): what was not printed has no one to read it."""
    try:
        code = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except KeyboardInterrupt as exc:
        # as a shell reports it: 130 for Ctrl-C; 143 for serve stopped by SIGTERM (builder.serve)
        code = 128 + exc.signum if isinstance(exc, Stopped) else EXIT_INTERRUPTED
    except BrokenPipeError:
        # Python would flush stdout again on the way out, and fail again, loudly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_PROBLEMS
    os._exit(code)


if __name__ == "__main__":
    entry()
