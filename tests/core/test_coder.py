"""The automatic coder: ranked, explained, deterministic suggestions that learn from confirmations."""

from __future__ import annotations

import datetime as dt
import gc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlmodel import Session

from spiral_app.core import corpus, criterion, cycle, group, meeting, territory, training
from spiral_app.core.codebook import read_codebook_csv
from spiral_app.core.coder import Coder, split_clauses, unreadable
from spiral_app.core.criterion import CriterionDraft
from tests.conftest import DATA_DIR

TEXTS = ["pas de boulot depuis deux ans", "the bus never comes on Sundays", "le bruit des voitures la nuit",
         "my grandson calls me every week", "je trie mes déchets"]  # fmt: skip


def test_suggestions_are_top_k_sorted_probabilities_with_families(coder: Coder) -> None:
    suggestions, errors = coder.suggest(TEXTS, top_k=3)
    assert errors == []
    for suggestion in suggestions:
        assert suggestion is not None
        probabilities = [p for _, p in suggestion.alternatives]
        assert len(probabilities) == 3
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(0.0 <= p <= 1.0 for p in probabilities)
        assert suggestion.component == suggestion.alternatives[0][0]
        assert suggestion.family == suggestion.component[0]
        assert suggestion.confidence == probabilities[0]


def test_explanations_name_the_words_that_weighed(coder: Coder) -> None:
    suggestions, _ = coder.suggest(["pas de boulot depuis deux ans", "zzzz qqqq"])
    assert suggestions[0] is not None and suggestions[1] is not None
    assert suggestions[0].explanation and all(suggestions[0].explanation)
    assert "boulot" in suggestions[0].explanation
    assert suggestions[1].explanation  # never empty, even for words never seen


def test_probabilities_of_a_row_sum_to_one(coder: Coder) -> None:
    probabilities = coder.probabilities(TEXTS)
    assert probabilities.shape == (len(TEXTS), len(coder.classes))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_same_input_gives_same_output(coder: Coder, tmp_path: Path) -> None:
    again = Coder.train(corpus.training_examples(DATA_DIR))
    assert again.version == coder.version
    assert again.suggest(TEXTS) == coder.suggest(TEXTS)
    coder.save(tmp_path / "model.pickle")
    assert Coder.load(tmp_path / "model.pickle").suggest(TEXTS) == coder.suggest(TEXTS)


def test_a_damaged_model_file_is_refused_and_retrained(coder: Coder, tmp_path: Path) -> None:
    coder.save(tmp_path / "model.pickle")
    whole = (tmp_path / "model.pickle").read_bytes()
    (tmp_path / "model.pickle").write_bytes(whole[: len(whole) // 2])  # a save cut short
    with pytest.raises(ValueError, match="cannot be read"):
        Coder.load(tmp_path / "model.pickle")
    (tmp_path / "current.txt").write_text("model\nfingerprint")
    assert training.load_current(tmp_path) is None  # so load_or_train trains afresh


def test_the_collector_runs_again_after_concurrent_batches(coder: Coder) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: coder.suggest(TEXTS * 50), range(8)))
    assert gc.isenabled()
    assert all(len(suggestions) == len(TEXTS) * 50 for suggestions, _errors in results)


@pytest.mark.parametrize(("text", "reason"), [("", "empty"), ("   ", "empty"), ("12 / 45 !!", "no words"),
                                              ("caf\ufffd chaud", "undecodable")])  # fmt: skip
def test_unreadable_rows_are_errors_and_the_others_are_coded(coder: Coder, text: str, reason: str) -> None:
    suggestions, errors = coder.suggest(
        ["un logement trop petit", text, "no job"], ["illbeing", "illbeing", "illbeing"]
    )
    assert [e.row for e in errors] == [2]
    assert reason in errors[0].message
    assert suggestions[1] is None
    assert suggestions[0] is not None and suggestions[2] is not None
    assert unreadable(text) is not None


def test_criteria_with_two_ideas_are_flagged_for_a_split(coder: Coder) -> None:
    texts = ["a job and a flat near my family", "un travail stable", "le chômage, pas de boulot"]
    suggestions, _ = coder.suggest(texts)
    # Two ideas; one idea; one idea said twice (its clauses agree, so no split).
    assert [s.needs_split for s in suggestions if s is not None] == [True, False, False]


def test_clauses_are_cut_at_joining_words_and_punctuation() -> None:
    texts = ["a job and a flat near my family", "un travail stable", "le loyer, les factures; la cantine",
             "Arbeit und Wohnung / und", "la santé !", "?, et", "24/7 service"]  # fmt: skip
    owners, parts = split_clauses(texts)
    assert list(zip(owners.tolist(), parts, strict=True)) == [
        (0, "a job"), (0, "a flat near my family"),
        (2, "le loyer"), (2, "les factures"), (2, "la cantine"),
        (3, "Arbeit"), (3, "Wohnung"),
    ]  # fmt: skip


def test_model_works_across_languages(coder: Coder) -> None:
    suggestions, _ = coder.suggest(["trovare lavoro", "encontrar trabajo", "Arbeit finden", "find a job"])
    assert {s.family for s in suggestions if s is not None} == {"A"}


def test_confirmed_phrasing_is_learnt_by_retraining(session: Session, codebook_version: object, tmp_path: Path) -> None:
    novel = "de kippen van de buren voeren"  # Dutch, a language the corpus does not hold
    before = training.load_or_train(model_dir=tmp_path, data_dir=DATA_DIR)
    first, _ = before.suggest([novel], ["action"])
    assert first[0] is not None and first[0].component != "D04"
    territory_id = territory.create_territory(session=session, name="Gent")
    cycle_id = cycle.create_cycle(
        session=session, territory_id=territory_id, number=1, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    group_id = group.create_group(session=session, territory_id=territory_id, name="Buren")
    meeting_id = meeting.create_meeting(session=session, group_id=group_id, cycle_id=cycle_id, date=dt.date(2026, 2, 2))
    rows = criterion.criterion_rows(
        meeting_id, [CriterionDraft("action", novel, "nl", "D04")], start_position=1, confirmed_by="Lies"
    )
    criterion.insert_criteria(session=session, rows=rows)
    session.commit()

    after, record = training.retrain(session=session, model_dir=tmp_path, data_dir=DATA_DIR)
    suggestions, _ = after.suggest([novel], ["action"])
    assert suggestions[0] is not None and suggestions[0].component == "D04"
    assert record.n_confirmed == 1 and record.version == after.version != before.version
    assert training.load_current(tmp_path) is not None
    assert training.load_current(tmp_path).version == after.version  # type: ignore[union-attr]


def test_save_criteria_stores_suggestions_with_the_model_version(
    session: Session, codebook_version: object, coder: Coder
) -> None:
    territory_id = territory.create_territory(session=session, name="Mulhouse")
    cycle_id = cycle.create_cycle(
        session=session, territory_id=territory_id, number=1, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    group_id = group.create_group(session=session, territory_id=territory_id, name="Jeunes")
    meeting_id = meeting.create_meeting(session=session, group_id=group_id, cycle_id=cycle_id, date=dt.date(2026, 2, 2))
    drafts = [CriterionDraft("illbeing", "pas de boulot", "fr"), CriterionDraft("wellbeing", "  un toit  ", "fr")]
    assert (
        criterion.save_criteria(session=session, meeting_id=meeting_id, drafts=drafts, coder=coder, max_length=500) == 2
    )
    stored = criterion.list_criteria(session=session, meeting_id=meeting_id)
    assert stored["status"].tolist() == ["suggested", "suggested"]
    assert stored["text"].tolist() == ["pas de boulot", "un toit"]
    assert stored["suggested_code"].str.fullmatch(r"[A-H]\d\d").all()
    assert len(criterion.parse_alternatives(str(stored.loc[0, "suggested_alternatives"]))) == 3


def test_the_corpus_has_what_the_coder_needs() -> None:
    rows = corpus.read_corpus(DATA_DIR)
    components = set(read_codebook_csv(DATA_DIR / "codebook.csv").query("code.str.len() == 3")["code"])
    assert len(rows) >= 2500
    assert set(rows["component"]) == components
    assert rows["component"].value_counts().min() >= 20
    assert (rows["language"] == "fr").mean() >= 0.40
    assert {"it", "es", "pt", "de"} <= set(rows["language"])
    assert set(rows["question"]) == {"wellbeing", "illbeing", "action"}
    # Every round sets its fifth aside, so the held-out split stays about 20 % as the corpus grows.
    assert 0.18 <= (rows["split"] == corpus.HELDOUT).mean() <= 0.22
    assert not rows["text"].str.casefold().duplicated().any()


def test_training_examples_never_include_the_heldout_split() -> None:
    examples = corpus.training_examples(DATA_DIR)
    heldout = corpus.read_corpus(DATA_DIR).query("split == 'heldout'")
    assert not set(heldout["text"].str.casefold()) & set(examples["text"].str.casefold())
    assert isinstance(examples, pd.DataFrame)


def test_cached_model_is_retrained_when_the_repository_data_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "corpus").mkdir(parents=True)
    (data / "lexicon").mkdir()
    rows = {
        "pas de boulot": "A06",
        "un emploi stable": "A06",
        "le loyer trop cher": "A03",
        "un appartement clair": "A03",
        "mes voisins sympas": "D04",
        "la voisine du dessus": "D04",
    }
    criteria = pd.DataFrame({"text": list(rows), "component": list(rows.values())})
    criteria = criteria.assign(language="fr", question="wellbeing", family=criteria["component"].str[0], split="train")
    criteria.to_csv(data / "corpus" / "criteria.csv", index=False)
    pd.DataFrame({"term": ["chômage"], "component": ["A06"], "language": ["fr"]}).to_csv(
        data / "lexicon" / "a.csv", index=False
    )
    models = tmp_path / "models"
    first = training.load_or_train(model_dir=models, data_dir=data)
    assert training.load_or_train(model_dir=models, data_dir=data).version == first.version
    pd.DataFrame({"term": ["chômage", "logement"], "component": ["A06", "A03"], "language": ["fr", "fr"]}).to_csv(
        data / "lexicon" / "a.csv", index=False
    )
    second = training.load_or_train(model_dir=models, data_dir=data)
    assert second.version != first.version
    # Only the current model file is kept: each weighs hundreds of megabytes on the real corpus.
    assert sorted(path.name for path in models.glob("*.pickle")) == [f"{second.version}.pickle"]
