"""The `spiral` command: run the app, load the demo, and work with criteria from the shell."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from spiral_app.core import codebook, db, demo
from spiral_app.core.config import get_settings
from spiral_app.core.errors import InvalidInput

APP = Path(__file__).resolve().parent / "app.py"


def _engine() -> Engine:
    settings = get_settings()
    engine = db.make_engine(settings.database_url, echo=settings.echo_sql)
    db.migrate(engine)
    with Session(engine) as session:
        codebook.ensure_default_codebook(session=session, data_dir=settings.data_dir)
    return engine


def _run(args: argparse.Namespace) -> int:
    engine = _engine()
    with Session(engine) as session:
        if not args.no_demo and demo.is_empty(session=session):
            demo.load_demo(session=session, data_dir=get_settings().data_dir)
            print("Loaded the demo territory into the empty database.")
    engine.dispose()
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(args.port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--runner.enforceSerializableSessionState", "true"]  # fmt: skip
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
