"""Command line: parse options, call one library function, print, choose an exit code."""
from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .sources.diagnostics import CompileError, Diagnostic, Severity

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INTERNAL = 3

_SEVERITY_STYLE = {Severity.ERROR: {"fg": "red", "bold": True}, Severity.WARNING: {"fg": "yellow", "bold": True}}


# --------------------------------------------------------------------------- printing


def _color() -> bool | None:
    """No colour when NO_COLOR is set; otherwise click decides (plain when piped)."""
    return False if os.environ.get("NO_COLOR") else None


def echo(text: str = "", *, err: bool = False) -> None:
    click.echo(text, err=err, color=_color())


def format_diagnostic(diagnostic: Diagnostic) -> str:
    """`path:line:col: severity: message`, hints indented below, severity coloured."""
    span = diagnostic.span
    where = click.style(f"{span.display_path()}:{span.line}:{span.column}:", bold=True)
    severity = click.style(f"{diagnostic.severity.value}:", **_SEVERITY_STYLE[diagnostic.severity])
    lines = [f"{where} {severity} {diagnostic.message}"]
    lines += [f"  {click.style('hint:', fg='cyan')} {hint}" for hint in diagnostic.hints]
    return "\n".join(lines)


def print_diagnostics(diagnostics, *, err: bool = True) -> None:
    for diagnostic in diagnostics.sorted():
        echo(format_diagnostic(diagnostic), err=err)


def machine_notes(notes, said: set[str]) -> list[str]:
    """Notes about the machine (not the report) not yet said this run, as `note: ...` lines for stderr."""
    new = [note for note in dict.fromkeys(notes) if note not in said]
    said.update(new)
    return [f"{click.style('note:', fg='cyan', bold=True)} {note}" for note in new]


def _summary(errors: int, warnings: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


# --------------------------------------------------------------------------- error handling


class InspectionGroup(click.Group):
    """Turns input errors into exit 1 and bugs into a short report line and exit 3."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CompileError as exc:
            print_diagnostics(exc.diagnostics)
            ctx.exit(EXIT_INVALID)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `inspection rate ... | head`: the reader has what it wanted
            from .builds.output import discard_stdout

            discard_stdout()
            ctx.exit(0)
        except Exception as exc:  # an internal bug: never a raw traceback unless asked for
            if os.environ.get("INSPECTION_DEBUG") == "1":
                raise
            where = traceback.extract_tb(exc.__traceback__)[-1]
            echo(
                f"inspection: internal error, please report: {type(exc).__name__}: {exc} "
                f"({Path(where.filename).name}:{where.lineno}; set INSPECTION_DEBUG=1 for the traceback)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


def _refuse_other_files(path: Path, raw: str) -> None:
    """A PATH that is a file must be YAML: anything else (a PDF, /dev/null) is a usage mistake."""
    if path.exists() and not path.is_dir() and path.suffix not in (".yaml", ".yml"):
        raise click.BadParameter(f"'{raw}' is neither an inspection folder nor a .yaml file", param_hint="'PATH'")


def _inspection_paths(paths: tuple[str, ...]) -> list[Path]:
    """Expand each PATH: an inspection folder, its inspection.yaml, or a folder of inspections."""
    from .sources.paths import ENTRY_FILE

    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        _refuse_other_files(path, raw)
        if path.is_dir() and not (path / ENTRY_FILE).exists():
            children = sorted(p.parent for p in path.glob(f"*/{ENTRY_FILE}"))
            if not children:
                raise click.BadParameter(f"no {ENTRY_FILE} in '{raw}' nor in any folder inside it",
                                         param_hint="'PATH'")
            found.extend(children)
        else:
            found.append(path)
    return found


def _one_inspection(raw: str) -> Path:
    """PATH for commands that take one inspection: its folder or its inspection.yaml."""
    from .sources.paths import ENTRY_FILE

    path = Path(raw)
    _refuse_other_files(path, raw)
    if path.is_dir() and not (path / ENTRY_FILE).exists():
        children = sorted(p.parent.name for p in path.glob(f"*/{ENTRY_FILE}"))
        if children:
            shown = ", ".join(children[:5]) + (", ..." if len(children) > 5 else "")
            raise click.BadParameter(f"'{raw}' is a folder of inspections; give one of them ({shown})",
                                     param_hint="'PATH'")
        raise click.BadParameter(f"no {ENTRY_FILE} in '{raw}'", param_hint="'PATH'")
    return path


def _default_paths(paths: tuple[str, ...]) -> tuple[str, ...]:
    """The PATHs given, or every inspection under inspections/ when none is."""
    if paths:
        return paths
    if not Path("inspections").is_dir():
        raise click.UsageError("no PATH given and no inspections/ folder here")
    return ("inspections",)


def _rules_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--rules: a framework id (see `inspection frameworks`) or an existing rules file."""
    if value is None:
        return None
    import difflib

    from .rating.ruleset import framework_ids

    if value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value or Path(value).is_file():
        if not Path(value).is_file():
            raise click.BadParameter(f"no rules file '{value}'")
        return value
    known = framework_ids()
    if value not in known:
        close = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise click.BadParameter(f"'{value}' is neither a rules file nor a framework{hint}; known: {', '.join(known)}")
    return value


def _one_format(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")


def _not_empty(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("an empty path; give a folder or file name")
    return value


# --------------------------------------------------------------------------- commands


@click.group(cls=InspectionGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="inspection")
def main() -> None:
    """Compile youth justice inspection reports from YAML sources.

    Sources live in inspections/<slug>/inspection.yaml. Exit codes: 0 ok, 1 invalid input,
    2 usage error, 3 internal error.
    """


@main.command(short_help="List the rating frameworks and their rules.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also each framework's version, fingerprint and the assumptions its rules make.")
def frameworks(verbose: bool) -> None:
    """List the rating frameworks (rules files) an inspection can name."""
    from .rating.ruleset import list_frameworks

    rule_sets = list_frameworks()
    width = max((len(r.id) for r in rule_sets), default=0)
    for index, rules in enumerate(rule_sets):
        if verbose and index:
            echo()
        echo(f"{click.style(rules.id.ljust(width), bold=True)}  {rules.name}")
        echo(f"{' ' * width}  {rules.summary}")
        for edition in rules.editions:
            echo(f"{' ' * width}  wording: {edition.id}: {edition.name}")
        if verbose:
            echo(f"{' ' * width}  version {rules.version}, fingerprint (sha256) {rules.sha256}")
            echo(f"{' ' * width}  assumptions:")
            for assumption in rules.all_assumptions():
                echo(f"{' ' * width}  - {assumption.id}: {assumption.text}")


@main.command(short_help="Check sources; list every problem.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="Diagnostics as text lines or one JSON document.",
)
def validate(paths: tuple[str, ...], strict: bool, output_format: str) -> None:
    """Check inspection sources and report every problem as path:line:col.

    PATH is an inspection folder, its inspection.yaml, or a folder of inspection folders.
    """
    from .rating.compile import compile_inspection
    from .sources.diagnostics import Diagnostics

    everything = Diagnostics()
    checked = []
    for path in _inspection_paths(paths):
        compiled = compile_inspection(path)
        everything.extend(compiled.diagnostics)
        checked.append({"slug": compiled.slug, "path": str(path), "ok": not compiled.diagnostics.has_errors()})
    errors, warnings = len(everything.errors), len(everything.warnings)
    failed = errors > 0 or (strict and warnings > 0)
    if output_format == "json":
        document = {
            "ok": not failed,
            "errors": errors,
            "warnings": warnings,
            "inspections": checked,
            "diagnostics": [d.to_json() for d in everything.sorted()],
        }
        echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print_diagnostics(everything, err=False)
        noun = "inspection" if len(checked) == 1 else "inspections"
        echo(f"{len(checked)} {noun} checked: {_summary(errors, warnings)}")
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


@main.command(short_help="Rate inspections; print their ratings.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True,
              help="Print the ratings as JSON (one document; a list of them for several inspections).")
@click.option("--csv", "as_csv", is_flag=True,
              help="Print the ratings as CSV: a row per inspection and standard (or theme).")
@click.option("--rules", "rules_ref", metavar="FILE|ID", callback=_rules_option,
              help="Rate under this rules file or framework instead of the one each inspection names.")
def rate(paths: tuple[str, ...], as_json: bool, as_csv: bool, rules_ref: str | None) -> None:
    """Rate inspections and print their ratings tables (or JSON, or CSV).

    PATH is an inspection folder, its inspection.yaml, or a folder of inspection folders. Under
    other rules nothing in the source blocks the rating: what those rules do not accept is a warning.
    An inspection with errors is left out and the exit code is 1.
    """
    from .rating.compile import compile_inspection

    _one_format(as_json, as_csv)
    found = _inspection_paths(paths)
    rated, failed = [], 0
    for path in found:
        compiled = compile_inspection(path, rules_ref)
        print_diagnostics(compiled.diagnostics)
        if compiled.rated is None:
            failed += 1
        else:
            rated.append(compiled.rated)
    if as_csv:
        from .rating.ratings_csv import ratings_csv

        click.echo(ratings_csv(rated), nl=False)
    elif as_json:
        from .rating.ratings_json import result_to_json

        documents = [result_to_json(r.slug, r.result) for r in rated]
        single = len(paths) == 1 and len(found) == 1 and found[0] == Path(paths[0])
        if single and documents:
            echo(json.dumps(documents[0], indent=2, ensure_ascii=False))
        elif not single:
            echo(json.dumps(documents, indent=2, ensure_ascii=False))
    else:
        from .rating.text_report import ratings_table

        echo("\n\n".join(ratings_table(r) for r in rated))
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


@main.command(short_help="Rate under other rules; show what moves.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--rules", "rules_ref", required=True, metavar="FILE|ID", callback=_rules_option,
              help="The rules to rate under: a rules file or a framework id.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as one JSON document.")
@click.option("--csv", "as_csv", is_flag=True,
              help="Print a CSV row per inspection and standard that moves, before and after.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Rate on N processes at once (default: one per CPU; a few inspections take one).")
def rerate(paths: tuple[str, ...], rules_ref: str, as_json: bool, as_csv: bool, jobs: int | None) -> None:
    """Rate inspections under other rules and print what moves.

    Each inspection is rated under its own rules and under the given ones (default: every
    inspection under inspections/). For each, every standard (or theme) whose rating or points
    change, and the score and overall rating, from -> to; an unchanged inspection takes one line.
    Standards are matched by id across framework versions; an inspection rated on themes cannot be
    set against standards. Exit 0 whether or not anything moves; 1 for an invalid rules file or source.
    """
    from .rating.rerate_pool import rerate_all
    from .rating.rerate_report import rerate_csv, rerate_json, rerate_text
    from .rating.ruleset import load_ruleset

    _one_format(as_json, as_csv)
    found = _inspection_paths(_default_paths(paths))
    rules = load_ruleset(rules_ref)  # an invalid rules file raises CompileError: its diagnostics, exit 1
    comparisons, failed = [], 0
    for comparison, diagnostics in rerate_all(found, rules, jobs or os.cpu_count() or 1):
        if comparison is None:
            failed += 1
            for diagnostic in diagnostics.sorted():
                if diagnostic.severity is Severity.ERROR:
                    echo(format_diagnostic(diagnostic), err=True)
        else:
            comparisons.append(comparison)
    if as_csv:
        click.echo(rerate_csv(comparisons, rules.version), nl=False)
    elif as_json:
        described = {"id": rules.id, "name": rules.name, "version": rules.version, "sha256": rules.sha256,
                     "given_as": rules_ref}
        echo(json.dumps(rerate_json(comparisons, described, failed), indent=2, ensure_ascii=False))
    else:
        heading = (f"Each inspection rated under its own rules and under {rules_ref}: {rules.name}, "
                   f"version {rules.version}, fingerprint (sha256) {rules.sha256}")
        echo(rerate_text(comparisons, heading, failed))
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


def _is_folder_of_inspections(raw: str) -> bool:
    from .sources.paths import ENTRY_FILE

    return Path(raw).is_dir() and not (Path(raw) / ENTRY_FILE).exists()


def _recorded(result, out_dir: str) -> list[Path]:
    """The ratings lock a build wrote beside a report's source: what it lists outside OUT/<slug>/."""
    return [p for p in result.outputs if Path(p).parent != Path(out_dir) / result.slug]


def _build_line(result, seconds: float, out_dir: str) -> str:
    """One line for one report of a build: built, cached or failed, with its time."""
    warnings = result.warnings if result.ok else len(result.diagnostics.warnings)
    counts = _summary(len(result.diagnostics.errors), warnings)
    names = ", ".join(p.name for p in result.outputs if p not in _recorded(result, out_dir))
    where = Path(out_dir) / result.slug
    if not result.ok:
        return f"{click.style('failed', fg='red', bold=True)} {result.slug}: nothing written ({seconds:.1f} s, {counts})"
    if result.cached:
        return f"{click.style('cached', fg='cyan')} {result.slug}: {names} -> {where} (up to date, {counts})"
    return f"{click.style('built', fg='green')} {result.slug}: {names} -> {where} ({seconds:.1f} s, {counts})"


@main.command(short_help="Build HTML, PDF and ratings.json.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              callback=_not_empty, help="Output folder; each inspection goes to OUT/<slug>/.")
@click.option("--format", "output_format", type=click.Choice(["html", "pdf", "all"]), default="all",
              show_default=True, help="Which documents to write (ratings.json is always written).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Build N reports at once, each in a worker process (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Build every report again, even one whose outputs are up to date.")
@click.option("--accept-ratings", is_flag=True,
              help="Build final reports whose ratings moved from those they were published with, and record "
              "the new ratings in their ratings.lock.")
def build(paths: tuple[str, ...], out_dir: str, output_format: str, jobs: int | None, force: bool,
          accept_ratings: bool) -> None:
    """Build HTML and PDF reports (and ratings.json) for each inspection.

    PATH is an inspection folder, its inspection.yaml, or a folder of inspection folders;
    default: every inspection under inspections/. A report whose outputs were built from its
    files as they are now is not built again (--force builds it anyway). An inspection with
    errors writes nothing and keeps its previous outputs; the others are still built, and the
    exit code is 1. A build of a folder of inspections also writes OUT/index.html, OUT/ratings.csv
    and OUT/ratings.json for all of them; inspections named one by one join those files. A final report's first
    build records its ratings in ratings.lock beside its inspection.yaml; a later build whose
    ratings differ is an error until they are accepted with --accept-ratings.
    """
    from .builds.corpus import build_corpus
    from .builds.progress import Progress
    from .builds.result import FORMATS

    formats = FORMATS if output_format == "all" else (output_format,)
    paths = _default_paths(paths)
    found = _inspection_paths(paths)
    corpus = any(_is_folder_of_inspections(raw) for raw in paths)
    terminal = sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
    notes_said: set[str] = set()
    with Progress(len(found), echo, terminal) as progress:
        def finished(result, seconds: float) -> None:
            for note in machine_notes(result.machine_notes, notes_said):
                progress.line(note, err=True)
            for diagnostic in result.diagnostics.sorted():
                progress.line(format_diagnostic(diagnostic), err=True)
            progress.line(_build_line(result, seconds, out_dir))
            for recorded in _recorded(result, out_dir):
                progress.line(f"recorded the ratings of {result.slug} in {os.path.relpath(recorded)}")
            progress.advance()

        def waiting() -> None:
            progress.line(f"waiting for another build into {out_dir} to finish ...", err=True)

        outcome = build_corpus(found, out_dir, formats, jobs=jobs or os.cpu_count() or 1, force=force,
                               corpus=corpus, on_result=finished, on_wait=waiting, accept_ratings=accept_ratings)
    results = outcome.results
    built = sum(1 for r in results if r.ok and not r.cached)
    cached = sum(1 for r in results if r.cached)
    failed = outcome.failed
    noun = "report" if len(results) == 1 else "reports"
    echo(f"{len(results)} {noun}: {built} built, {cached} cached, {len(failed)} failed "
         f"in {outcome.seconds_total:.1f} s")
    if outcome.corpus is not None:
        echo(f"corpus files -> {out_dir}: index.html, ratings.csv, ratings.json ({outcome.corpus})")
    for result in failed:
        errors = result.diagnostics.sorted()
        errors = [d for d in errors if d.severity is Severity.ERROR]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        echo(f"failed {result.slug}: {format_diagnostic(errors[0]).splitlines()[0]}{more}")
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


@main.command(short_help="Start a new inspection from a template.")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--framework", "framework_id", required=True, metavar="ID",
              help="Rating framework of the report (see `inspection frameworks`).")
def new(directory: str, framework_id: str) -> None:
    """Create a starter inspection in DIRECTORY; the folder name is its slug.

    Every section the framework needs is written, with [[placeholder: ...]] marks to replace.
    DIRECTORY must be new or empty.
    """
    import difflib

    from .authoring.scaffold import ScaffoldError, create_inspection
    from .rating.ruleset import framework_ids, load_ruleset

    known = framework_ids()
    if framework_id not in known:
        close = difflib.get_close_matches(framework_id, known, n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise click.BadParameter(
            f"unknown framework '{framework_id}'{hint}; known: {', '.join(known)}", param_hint="'--framework'"
        )
    try:
        written = create_inspection(Path(directory), load_ruleset(framework_id), framework_ids=known)
    except ScaffoldError as exc:
        raise click.BadParameter(str(exc), param_hint="'DIRECTORY'") from None
    echo(f"Created {directory} ({framework_id}), {len(written)} files:")
    for path in written:
        echo(f"  {path}")
    echo(f"Next: inspection serve {directory}")


@main.command(short_help="Preview one inspection as you edit it.")
@click.argument("path", type=click.Path(exists=True))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default browser.")
def serve(path: str, port: int, open_browser: bool) -> None:
    """Preview an inspection in the browser; every save rebuilds it and reloads the page.

    Listens on 127.0.0.1 only. An invalid edit shows its diagnostics in the page. Ctrl-C stops.
    """
    from .authoring.serve import PreviewServer, ServeError

    try:
        server = PreviewServer(_one_inspection(path), port=port, log=lambda message: echo(message, err=True),
                               describe=format_diagnostic)
    except ServeError as exc:
        echo(f"inspection serve: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    server.run(open_browser=open_browser)


@main.command(short_help="Print the JSON Schema of the sources.")
@click.option("--out", type=click.Path(dir_okay=False), metavar="FILE", callback=_not_empty,
              help="Write the schema to FILE instead of printing it.")
@click.option("--rules", "for_rules", is_flag=True, help="The schema of a rules file instead (see docs/rules.md).")
def schema(out: str | None, for_rules: bool) -> None:
    """Print the JSON Schema of inspection.yaml (or of a rules file), for editor completion and checking."""
    from .rating.ruleset import framework_ids

    if for_rules:
        from .rating.rules_schema import rules_schema_text

        text = rules_schema_text()
    else:
        from .sources.schema import schema_text

        text = schema_text(framework_ids())
    if out is None:
        click.echo(text, nl=False)
        return
    from .builds.output import write_atomic

    try:
        write_atomic(out, text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.BadParameter(f"cannot write '{out}' ({reason}); nothing was written", param_hint="'--out'")
    echo(f"Wrote {out}", err=True)
