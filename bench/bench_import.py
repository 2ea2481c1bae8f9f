"""Importing a 10,000-row file into a SQLite file with the demo loaded: reading, checking, suggesting, writing."""

from __future__ import annotations

import csv
import io
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
from sqlmodel import Session

from spiral_app.core import corpus, db, demo, importing, template, training, upload
from spiral_app.core.coder import Coder
from spiral_app.core.config import get_settings

N_ROWS = 10_000
TARGET_SECONDS = 5.0
GROUPS = ("Young people (16-24)", "Elderly residents", "Single parents", "People with a migrant background",
          "Municipal staff")  # fmt: skip


def import_file(rows: int = N_ROWS) -> bytes:
    """Return a CSV of *rows* distinct corpus criteria spread over the demo groups, some on a new meeting date."""
    examples = corpus.read_corpus(get_settings().data_dir)
    rng = np.random.default_rng(2026)
    picked = examples.iloc[rng.integers(0, len(examples), rows)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # as French Excel writes it
    writer.writerow(template.COLUMNS)
    for n, (text, language, question) in enumerate(picked[["text", "language", "question"]].itertuples(index=False)):
        date = "2026-10-01" if n % 4 == 0 else ""  # a quarter of the rows create a meeting per group
        writer.writerow([GROUPS[n % len(GROUPS)], date, question, f"{text} ({n})", language])
    return buffer.getvalue().encode("utf-8-sig")


def as_workbook(content: bytes) -> bytes:
    """Return the CSV *content* as the sheet of an .xlsx workbook, as Excel would save it."""
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def time_import(content: bytes, coder: Coder) -> tuple[importing.ImportSummary, str, list[float]]:
    """Import *content* into a fresh SQLite file holding the demo; return the summary, the source and the clock."""
    settings = get_settings()
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        db.migrate(engine)
        with Session(engine) as session:
            territory_id = demo.load_demo(session=session, data_dir=settings.data_dir)
            clock = [time.perf_counter()]
            table = upload.read_upload("bench.csv", content, max_bytes=int(settings.max_upload_mb * 2**20))
            clock.append(time.perf_counter())
            plan = importing.check_import(
                session=session, territory_id=territory_id, table=table, max_text_length=settings.max_text_length
            )
            clock.append(time.perf_counter())
            summary = importing.apply_import(session=session, plan=plan, coder=coder)
            clock.append(time.perf_counter())
        engine.dispose()
    return summary, table.source, clock


def main() -> None:
    settings = get_settings()
    started = time.perf_counter()
    coder = training.load_or_train(model_dir=settings.model_dir, data_dir=settings.data_dir)
    print(f"coder {coder.version} ready in {time.perf_counter() - started:.1f} s (not counted below)")
    content = import_file()
    summary, source, (begin, read, checked, written) = time_import(content, coder)
    print(f"file: {len(content) / 2**20:.2f} MB, {N_ROWS:,} rows ({source})")
    print(f"import: {summary.criteria:,} criteria, {summary.new_meetings} new meetings, "
          f"{summary.suggestions:,} suggestions")  # fmt: skip
    print(
        f"steps: read {read - begin:.2f} s, check {checked - read:.2f} s, suggest and write {written - checked:.2f} s"
    )
    seconds = written - begin
    status = "ok" if seconds < TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"total: {seconds:.2f} s, {N_ROWS / seconds:,.0f} rows/s (target < {TARGET_SECONDS:.0f} s: {status})")
    workbook = as_workbook(content)
    started = time.perf_counter()
    upload.read_upload("bench.xlsx", workbook, max_bytes=int(settings.max_upload_mb * 2**20))
    seconds = time.perf_counter() - started
    size = len(workbook) / 2**20
    print(f"the same rows as .xlsx ({size:.2f} MB): read in {seconds:.2f} s, {N_ROWS / seconds:,.0f} rows/s")
