"""Coding review on a large territory: the queue, progress, a bulk confirmation and its undo, duplicates, the page.

100,000 criteria over 5 territories, so one territory holds about 20,000 criteria and 2,000 suggestions.
Targets: queue and progress under 0.5 s; bulk confirmation and undo of 2,000 suggestions under 2 s each;
near-duplicates of 1,000 post-its under 1 s; the Coding review page rendered under AppTest under 3 s.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from bench.generate import generate
from spiral_app.core import db, decision, duplicate, review
from spiral_app.core.config import get_settings
from spiral_app.core.models import CodingStatus
from spiral_app.ui import state

PAGE = Path(__file__).resolve().parents[1] / "spiral_app" / "pages" / "review.py"
RUNS = 5


def _median(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _once(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        territory_id = generate(url, territories=5, criteria=100_000)[0]
        engine = db.make_engine(url)
        with Session(engine) as session:
            to_review = review.ReviewFilter(territory_id)
            everything = review.ReviewFilter(territory_id, statuses=())
            queue = review.review_queue(session=session, filters=to_review)
            total = len(review.review_queue(session=session, filters=everything))
            print(f"one territory: {total:,} criteria, {len(queue):,} to review")
            seconds = _median(lambda: review.review_queue(session=session, filters=to_review))
            print(f"review queue (to review): {seconds * 1000:.0f} ms (target < 500 ms)")
            seconds = _median(lambda: review.review_queue(session=session, filters=everything))
            print(f"review queue (every status): {seconds * 1000:.0f} ms (target < 500 ms)")
            seconds = _median(lambda: review.coding_progress(session=session, territory_id=territory_id))
            print(f"coding progress of the territory: {seconds * 1000:.0f} ms (target < 500 ms)")
            suggested = int(queue["status"].eq(CodingStatus.SUGGESTED.value).sum())
            started = time.perf_counter()
            batch_id, count = decision.bulk_confirm(
                session=session, filters=to_review, threshold=0.0, decided_by="Bench"
            )
            seconds = time.perf_counter() - started
            print(f"bulk confirmation of {count:,} of {suggested:,} suggestions: {seconds:.2f} s (target < 2 s)")
            seconds, _ = _once(lambda: decision.undo(session=session, batch_id=batch_id, undone_by="Bench"))
            print(f"undo of that bulk confirmation: {seconds:.2f} s (target < 2 s)")
        texts = queue["text"].head(1_000).tolist()
        questions = queue["question"].head(1_000).tolist()
        seconds = _median(lambda: duplicate.find_duplicates(texts, questions))
        pairs = len(duplicate.find_duplicates(texts, questions))
        print(f"near-duplicates among {len(texts):,} post-its: {seconds * 1000:.0f} ms, {pairs} pairs (target < 1 s)")
        engine.dispose()
        print(f"Coding review page under AppTest: {_page_seconds(url, str(territory_id)):.2f} s (target < 3 s)")


def _page_seconds(url: str, territory_id: str) -> float:
    previous = os.environ.get("SPIRAL_DATABASE_URL")
    os.environ["SPIRAL_DATABASE_URL"] = url
    get_settings.cache_clear()
    st.cache_resource.clear()
    try:
        app = AppTest.from_file(str(PAGE), default_timeout=60)
        app.session_state[state.TERRITORY_ID] = territory_id
        app.run()  # the first run imports and connects; the figure is a warm rerun
        seconds = _median(app.run)
        if app.exception:
            raise RuntimeError(app.exception[0].message)
        return seconds
    finally:
        if previous is None:
            os.environ.pop("SPIRAL_DATABASE_URL", None)
        else:
            os.environ["SPIRAL_DATABASE_URL"] = previous
        get_settings.cache_clear()
        st.cache_resource.clear()
