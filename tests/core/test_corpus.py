"""The coder's training data: the corpus, its variants (translations and rewordings) and the lexicon."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from spiral_app.core import corpus, training
from spiral_app.core.codebook import read_codebook_csv
from spiral_app.core.text import fold_accents
from tests.conftest import DATA_DIR


def write_data(folder: Path, variants: dict[str, str]) -> Path:
    data = folder / "data"
    (data / "corpus").mkdir(parents=True)
    criteria = pd.DataFrame(
        {
            "text": ["un loyer trop cher", "mes voisins sympas", "le bus ne passe plus"],
            "language": "fr",
            "question": ["illbeing", "wellbeing", "illbeing"],
            "component": ["A08", "D04", "A10"],
            "split": ["train", "train", "heldout"],
        }
    ).assign(family=lambda rows: rows["component"].str[0])
    criteria.to_csv(data / "corpus" / "criteria.csv", index=False)
    rows = pd.DataFrame({"text": list(variants), "language": "en", "source": list(variants.values())})
    rows.to_csv(data / "corpus" / "variants.csv", index=False)
    return data


def test_a_variant_takes_the_question_and_code_of_the_criterion_it_rewrites(tmp_path: Path) -> None:
    variants = {"rent far too high": "un loyer trop cher", "the bus stopped coming": "le bus ne passe plus"}
    data = write_data(tmp_path, variants)
    examples = corpus.training_examples(data).set_index("text")
    assert list(examples.loc["rent far too high", ["question", "component"]]) == ["illbeing", "A08"]
    # A variant of a held-out criterion is never learnt from.
    assert "the bus stopped coming" not in examples.index
    assert "le bus ne passe plus" not in examples.index


def test_a_variant_that_reads_like_a_heldout_text_is_left_out(tmp_path: Path) -> None:
    # The coder reads words of two letters or more, accents and case aside: these read like the held-out one.
    data = write_data(
        tmp_path, {"Le bus ne passe plus": "un loyer trop cher", "y le BÛS, ne passe plus !": "un loyer trop cher"}
    )
    texts = set(corpus.training_examples(data)["text"])
    assert not {"Le bus ne passe plus", "y le BÛS, ne passe plus !"} & texts
    assert "un loyer trop cher" in texts


def test_editing_the_variants_retrains_the_cached_model(tmp_path: Path) -> None:
    data = write_data(tmp_path, {"rent far too high": "un loyer trop cher"})
    before = training.data_fingerprint(data)
    write_data(tmp_path / "again", {"the rent is too much": "un loyer trop cher"})
    assert training.data_fingerprint(tmp_path / "again" / "data") != before


def test_nothing_learnt_from_reads_like_a_heldout_criterion() -> None:
    heldout = corpus.read_corpus(DATA_DIR).query("split == @corpus.HELDOUT")["text"].map(corpus.reading)
    assert not corpus.training_examples(DATA_DIR)["text"].map(corpus.reading).isin(set(heldout)).any()


def test_the_repository_variants_rewrite_training_criteria_in_new_words() -> None:
    criteria = corpus.read_corpus(DATA_DIR)
    variants = corpus.read_variants(DATA_DIR)
    assert len(variants) > 0
    sources = criteria.set_index("text").loc[variants["source"]]
    assert (sources["split"] == corpus.TRAIN).all()
    assert set(variants["language"]) <= {"fr", "en", "it", "es", "pt", "de"}
    assert not variants["text"].str.strip().eq("").any()
    # New words only: a variant equal to any criterion, or to another variant, would teach nothing new.
    folded = variants["text"].map(fold_accents)
    assert not folded.isin(set(criteria["text"].map(fold_accents))).any()
    assert not folded.duplicated().any()


def test_every_heldout_criterion_was_coded_a_second_time_blind() -> None:
    criteria = corpus.read_corpus(DATA_DIR)
    heldout = criteria["split"] == corpus.HELDOUT
    codes = set(read_codebook_csv(DATA_DIR / "codebook.csv")["code"])
    assert criteria.loc[heldout, "second_coder"].isin(codes).all()
    assert (criteria.loc[~heldout, "second_coder"] == "").all()
