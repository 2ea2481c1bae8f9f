"""The `spiral` command: run the app, load the demo, and work with criteria from the shell."""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from spiral_app.core import (
    coding,
    corpus,
    database,
    demo,
    evaluation,
    group,
    importing,
    table,
    territory,
    training,
    upload,
)
from spiral_app.core.coder import Coder
from spiral_app.core.config import get_settings
from spiral_app.core.errors import InvalidInput, Problem

APP = Path(__file__).resolve().parent / "ui" / "app.py"


def _engine() -> Engine:
    return database.open_database(get_settings())


def _run(args: argparse.Namespace) -> int:
    engine = _engine()
    with Session(engine) as session:
        if not args.no_demo and demo.is_empty(session=session):
            demo.load_demo(session=session, data_dir=get_settings().data_dir)
            print("Loaded the demo territory into the empty database.")
    engine.dispose()
    # Train now if no model is cached, so that the first save in the app does not wait for it.
    print("Loading the coding model (the first run trains it from the repository's data: under a minute)…", flush=True)
    print(f"Coding model {_coder().version} ready.")
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(args.port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--runner.enforceSerializableSessionState", "true",
               # Spiral's own limit is checked too; this makes the uploader announce the same one.
               "--server.maxUploadSize", str(max(1, math.ceil(get_settings().max_upload_mb))),
               # A reload that re-executes models.py would define every table twice.
               "--server.fileWatcherType", "none"]  # fmt: skip
    return subprocess.call(command, env=os.environ.copy())


def _demo(_args: argparse.Namespace) -> int:
    with Session(_engine()) as session:
        demo.load_demo(session=session, data_dir=get_settings().data_dir)
    print("Loaded the demo territory.")
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    _engine()
    print("The database schema is up to date.")
    return 0


def _max_bytes() -> int:
    return int(get_settings().max_upload_mb * 1024 * 1024)


def _coder() -> Coder:
    settings = get_settings()
    return training.load_or_train(model_dir=settings.model_dir, data_dir=settings.data_dir)


def _code(args: argparse.Namespace) -> int:
    frame = table.read_table(args.file, max_bytes=_max_bytes())
    coded, errors = coding.code_frame(_coder(), frame)
    output = args.output or args.file.with_name(f"{args.file.stem}-coded{args.file.suffix}")
    table.write_table(coded, output)
    for error in errors:
        print(f"error: row {error.row + 1}, column 'text': {error.message}", file=sys.stderr)
    print(f"Coded {len(coded) - len(errors)} of {len(coded)} rows into {output}.")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    frame = table.read_table(args.file, max_bytes=_max_bytes())
    coding.require_columns(frame, ["text", "family"])
    if "split" in frame:
        # The corpus itself, or a copy: its training rows would only measure what the coder memorised.
        frame = frame[frame["split"].astype(str).str.strip() == corpus.HELDOUT]
        if frame.empty:
            raise InvalidInput([Problem("split", f"no row is marked '{corpus.HELDOUT}'.")])
        print(f"Evaluating the {len(frame)} rows marked '{corpus.HELDOUT}' in the split column.", file=sys.stderr)
    report = evaluation.evaluate(_coder(), frame)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(evaluation.describe(report))
    return 0


def _train(_args: argparse.Namespace) -> int:
    settings = get_settings()
    with Session(_engine()) as session:
        coder, record = training.retrain(session=session, model_dir=settings.model_dir, data_dir=settings.data_dir)
    print(
        f"Trained model {coder.version} on {record.n_corpus} corpus, variant and lexicon examples "
        f"and {record.n_confirmed} confirmed codings; held-out family accuracy {record.family_accuracy:.3f}."
    )
    return 0


def _territory(session: Session, name: str) -> tuple[uuid.UUID, str]:
    found = territory.find_territory(session=session, name=name)
    if found is None:
        raise InvalidInput(
            [Problem("--territory", f"no territory is called '{name}': `spiral territories` lists them.")]
        )
    return found.id, found.name


def _import(args: argparse.Namespace) -> int:
    settings = get_settings()
    path: Path = args.file
    if not path.is_file():
        raise InvalidInput([Problem(str(path), "no such file.")])
    max_bytes = int(settings.max_upload_mb * 2**20)
    with Session(_engine()) as session:
        territory_id, territory_name = _territory(session, args.territory)
        try:
            upload.check_size(path.stat().st_size, max_bytes=max_bytes)
            rows = upload.read_upload(path.name, path.read_bytes(), max_bytes=max_bytes)
            plan = importing.check_import(
                session=session, territory_id=territory_id, table=rows, max_text_length=settings.max_text_length
            )
        except InvalidInput as error:
            count = len(error.problems)
            print(f"{path.name} was not imported ({count} problem{'s' * (count != 1)}); the database is unchanged.",
                  file=sys.stderr)  # fmt: skip
            raise
        if args.check:
            print(f"{path.name}: {len(plan.frame)} criteria are ready to import; nothing was written (--check).")
            print(plan.counts().to_string(index=False))
            return 0
        summary = importing.apply_import(session=session, plan=plan, coder=_coder())
    print(
        f"Imported {summary.criteria} criteria from {path.name} into {territory_name} "
        f"({summary.new_meetings} new meeting{'s' * (summary.new_meetings != 1)}); "
        f"{summary.suggestions} got a suggested component."
    )
    print(summary.counts.to_string(index=False))
    return 0


def _territories(_args: argparse.Namespace) -> int:
    with Session(_engine()) as session:
        names = territory.list_territories(session=session)["name"].tolist()
    for name in names:
        print(name)
    return 0


def _groups(args: argparse.Namespace) -> int:
    with Session(_engine()) as session:
        names = group.list_groups(session=session, territory_id=_territory(session, args.territory)[0])["name"].tolist()
    for name in names:
        print(name)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every `spiral` subcommand."""
    parser = argparse.ArgumentParser(prog="spiral", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="start the web app")
    run.add_argument("--port", type=int, default=8501)
    run.add_argument("--no-demo", action="store_true", help="do not load the demo into an empty database")
    run.set_defaults(handler=_run)
    commands.add_parser("demo", help="load the demo territory").set_defaults(handler=_demo)
    commands.add_parser("migrate", help="create or upgrade the database schema").set_defaults(handler=_migrate)
    code = commands.add_parser("code", help="suggest a component for each row of a CSV or XLSX file")
    code.add_argument("file", type=Path, help="a CSV or XLSX with a `text` column (optional `question`, `language`)")
    code.add_argument("-o", "--output", type=Path, help="where to write the coded rows (default: FILE-coded)")
    code.set_defaults(handler=_code)
    evaluate = commands.add_parser("evaluate", help="measure the coder on labelled criteria")
    evaluate.add_argument("file", type=Path, help="a CSV or XLSX with `text` and `family` (optional `component`, …)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(handler=_evaluate)
    commands.add_parser("train", help="retrain the coder with the confirmed codings").set_defaults(handler=_train)
    load = commands.add_parser("import", help="import criteria from a CSV or XLSX file, all rows or none")
    load.add_argument(
        "file", type=Path, help="columns group, meeting_date (optional), question, text, language (optional)"
    )
    load.add_argument("--territory", required=True, help="the territory's name (see `spiral territories`)")
    load.add_argument("--check", action="store_true", help="only check the file; write nothing")
    load.set_defaults(handler=_import)
    commands.add_parser("territories", help="list the territories' names").set_defaults(handler=_territories)
    groups = commands.add_parser("groups", help="list the names of a territory's groups")
    groups.add_argument("--territory", required=True, help="the territory's name")
    groups.set_defaults(handler=_groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `spiral` command line and return its exit status."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except InvalidInput as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
