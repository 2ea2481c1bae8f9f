"""A large synthetic dataset for benchmarks: territories with two cycles, groups, meetings and coded criteria.

Criteria are sampled from the real texts of `data/corpus/criteria.csv`, with their question, language and
component, so that aggregations see realistic distributions. Everything is bulk-inserted in one transaction.
Run `python -m bench.generate PATH.db` to keep a file for trying the app on it.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert
from sqlmodel import Session

from spiral_app.core import codebook, db
from spiral_app.core.config import REPO_ROOT
from spiral_app.core.models import CodingStatus, Criterion, Cycle, Group, Meeting, Territory, utcnow

DATA_DIR = REPO_ROOT / "data"
PROFILES = (
    "Young people", "Elderly residents", "Single parents", "People with a migrant background", "Municipal staff",
    "Jobseekers", "Carers", "Shopkeepers", "Students", "Farmers", "People with disabilities", "Tenants' association",
)  # fmt: skip
# Most criteria are confirmed by the time results are read; a few wait for confirmation or resist coding.
STATUSES = (CodingStatus.CONFIRMED, CodingStatus.SUGGESTED, CodingStatus.UNCODED, CodingStatus.UNCLASSIFIABLE)
STATUS_WEIGHTS = (0.80, 0.10, 0.06, 0.04)


def generate(
    url: str,
    *,
    territories: int = 50,
    criteria: int = 100_000,
    cycles: int = 2,
    seed: int = 2026,
    data_dir: Path = DATA_DIR,
) -> list[uuid.UUID]:
    """Fill the database at *url* with a synthetic dataset and return the territories' ids."""
    engine = db.make_engine(url)
    db.migrate(engine)
    with Session(engine) as session:
        version_id = codebook.ensure_default_codebook(session=session, data_dir=data_dir)
    rng = np.random.default_rng(seed)
    corpus = pd.read_csv(data_dir / "corpus" / "criteria.csv", dtype=str, keep_default_na=False)
    tables = _places(rng, territories=territories, cycles=cycles)
    tables["criterion"] = _criteria(rng, corpus, tables["meeting"], total=criteria, version_id=version_id)
    _insert(engine, tables)
    engine.dispose()
    return [uuid.UUID(str(row["id"])) for row in tables["territory"]]


def _places(rng: np.random.Generator, *, territories: int, cycles: int) -> dict[str, list[dict[str, object]]]:
    tables: dict[str, list[dict[str, object]]] = {"territory": [], "cycle": [], "group": [], "meeting": []}
    now = utcnow()
    for number in range(territories):
        territory_id = uuid.uuid4()
        tables["territory"].append(
            {"id": territory_id, "name": f"Bench town {number + 1:03d}", "country": "FR", "language": "fr",
             "description": "Synthetic territory for benchmarks.", "created_at": now}
        )  # fmt: skip
        cycle_ids = []
        for cycle_number in range(1, cycles + 1):
            year = 2020 + 2 * cycle_number
            cycle_ids.append(uuid.uuid4())
            tables["cycle"].append(
                {"id": cycle_ids[-1], "territory_id": territory_id, "number": cycle_number,
                 "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31), "description": ""}
            )  # fmt: skip
        for name in rng.choice(PROFILES, size=int(rng.integers(4, 9)), replace=False):
            group_id = uuid.uuid4()
            tables["group"].append({"id": group_id, "territory_id": territory_id, "name": str(name), "profile": ""})
            for cycle_id, cycle_number in zip(cycle_ids, range(1, cycles + 1), strict=True):
                # About one group in ten is small enough to be protected.
                participants = int(rng.integers(2, 5)) if rng.random() < 0.1 else int(rng.integers(6, 13))
                for meeting_number in range(int(rng.integers(1, 3))):
                    tables["meeting"].append(
                        {"id": uuid.uuid4(), "group_id": group_id, "cycle_id": cycle_id,
                         "date": dt.date(2020 + 2 * cycle_number, 3 + 3 * meeting_number, 10),
                         "facilitator": "Bench", "participants": participants, "language": "fr"}
                    )  # fmt: skip
    return tables


def _criteria(
    rng: np.random.Generator,
    corpus: pd.DataFrame,
    meetings: list[dict[str, object]],
    *,
    total: int,
    version_id: uuid.UUID,
) -> list[dict[str, object]]:
    meeting_ids = [m["id"] for m in meetings]
    per_meeting = rng.multinomial(total, np.full(len(meeting_ids), 1 / len(meeting_ids)))
    sample = corpus.iloc[rng.integers(0, len(corpus), size=total)].reset_index(drop=True)
    status = rng.choice([s.value for s in STATUSES], size=total, p=STATUS_WEIGHTS)
    confirmed = status == CodingStatus.CONFIRMED.value
    suggested = status == CodingStatus.SUGGESTED.value
    # Suggestions are right about four times in five, like the coder; otherwise another sampled component.
    wrong = rng.random(total) < 0.2
    component = sample["component"]
    suggestion = component.where(~wrong, component.to_numpy()[rng.permutation(total)])
    now = utcnow()
    # Values left out by `where` become NaN here, and None (NULL) when the rows are written.
    frame = pd.DataFrame(
        {
            "id": [uuid.uuid4() for _ in range(total)],
            "meeting_id": np.repeat(np.array(meeting_ids, dtype=object), per_meeting),
            "question": sample["question"],
            "text": sample["text"],
            "language": sample["language"],
            "position": np.concatenate([np.arange(1, n + 1) for n in per_meeting]),
            "component_code": component.where(confirmed),
            "codebook_version_id": pd.Series([version_id] * total, dtype=object).where(confirmed),
            "status": status,
            "suggested_code": suggestion.where(suggested),
            "suggested_confidence": pd.Series(rng.uniform(0.3, 0.95, total)).where(suggested),
            "suggested_alternatives": "",
            "suggested_explanation": "",
            "suggested_split": False,
            "confirmed_by": pd.Series(["Bench"] * total, dtype=object).where(confirmed),
            "confirmed_at": pd.Series([now] * total, dtype=object).where(confirmed),
            "created_at": now,
        }
    )
    return frame.astype(object).where(frame.notna(), None).to_dict("records")  # type: ignore[return-value]


def _insert(engine: Engine, tables: dict[str, list[dict[str, object]]]) -> None:
    models = {"territory": Territory, "cycle": Cycle, "group": Group, "meeting": Meeting, "criterion": Criterion}
    with Session(engine) as session:
        for name, model in models.items():
            session.execute(insert(model), tables[name])
        session.commit()


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bench.db")
    ids = generate(f"sqlite:///{path.resolve()}")
    print(f"Wrote {len(ids)} territories to {path}.")


if __name__ == "__main__":
    main()
