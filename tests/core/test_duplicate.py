"""Near-duplicate post-its: which pairs are flagged, under which question, and how they are shown."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiral_app.core.duplicate import find_duplicates, flag_duplicates, normalise


def test_normalise_folds_accents_case_punctuation_and_spaces() -> None:
    assert normalise("  Avoir un LOGEMENT décent !! ") == "avoir un logement decent"
    assert normalise("health-care, at home…") == "health care at home"


@given(st.text(max_size=60))
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Having a job", "having a job!"),
        ("Avoir un logement décent", "avoir un  logement decent"),
        ("Being able to pay the rent", "Being able to pay my rent"),
        ("Good schools for the children", "Good schools for my children"),
    ],
)
def test_near_duplicates_under_the_same_question_are_flagged(first: str, second: str) -> None:
    pairs = find_duplicates([first, "Clean air", second], ["wellbeing"] * 3)
    assert pairs[["first", "second"]].to_dict("records") == [{"first": 0, "second": 2}]
    assert 0.85 <= pairs["similarity"].iloc[0] <= 1.0


@pytest.mark.parametrize(
    ("first", "second"),
    [("Having a job", "Having a home"), ("Loneliness", "Being lonely"), ("Clean streets", "Clean air")],
)
def test_different_ideas_are_not_flagged(first: str, second: str) -> None:
    assert find_duplicates([first, second], ["wellbeing", "wellbeing"]).empty


def test_the_same_words_under_two_questions_are_not_duplicates() -> None:
    assert find_duplicates(["Having a job", "Having a job"], ["wellbeing", "illbeing"]).empty


def test_empty_and_single_texts_give_no_pairs() -> None:
    assert find_duplicates([], []).empty
    assert find_duplicates(["Only one"], ["action"]).empty
    assert find_duplicates(["", "!!", "Bus"], ["action"] * 3).empty


def test_every_pair_of_a_group_of_three_copies_is_listed_once() -> None:
    pairs = find_duplicates(["Bus", "bus", "Some other idea", "BUS."], ["illbeing"] * 4)
    assert sorted(zip(pairs["first"], pairs["second"], strict=True)) == [(0, 1), (0, 3), (1, 3)]
    assert pairs["similarity"].eq(1.0).all()


@given(st.text(alphabet="abcdefghij ", min_size=4, max_size=40).filter(lambda t: len(normalise(t)) >= 3))
def test_a_text_retyped_with_other_case_and_punctuation_is_always_flagged(text: str) -> None:
    retyped = f" {text.upper()} !"
    assert len(find_duplicates([text, retyped], ["action", "action"])) == 1


def test_flag_duplicates_names_the_rows_by_their_number() -> None:
    sheet = pd.DataFrame({"no": [1, 2, 3], "question": ["wellbeing"] * 3, "text": ["Friends", "A garden", "friends!"]})
    flagged = flag_duplicates(sheet)
    assert flagged.to_dict("records") == [
        {"No.": 1, "Post-it": "Friends", "Looks like No.": 3, "Other post-it": "friends!", "Similarity": 1.0}
    ]
