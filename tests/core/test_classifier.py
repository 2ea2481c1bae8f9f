"""The blend of a linear model and naive Bayes behind the coder."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import ComplementNB

from spiral_app.core.classifier import CriterionClassifier

TEXTS = ["le loyer", "loyer cher", "mon appartement", "un emploi", "pas de travail", "mon boulot",
         "mes amis", "un ami fidèle", "sortir entre amis"]  # fmt: skip
LABELS = ["A03", "A03", "A03", "A06", "A06", "A06", "D03", "D03", "D03"]


@pytest.fixture(scope="module")
def features() -> sparse.csr_matrix:
    return TfidfVectorizer().fit_transform(TEXTS)


def test_probabilities_are_a_distribution_over_the_classes(features: sparse.csr_matrix) -> None:
    model = CriterionClassifier(alpha=1e-3).fit(features, LABELS)
    proba = model.predict_proba(features)
    assert proba.shape == (len(TEXTS), 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert list(model.predict(features)) == list(model.classes_[proba.argmax(axis=1)])
    assert (model.predict(features) == np.array(LABELS)).mean() == 1.0


def test_without_naive_bayes_the_linear_probabilities_are_kept(features: sparse.csr_matrix) -> None:
    model = CriterionClassifier(alpha=1e-3, sharpness=1.0, nb_weight=0.0).fit(features, LABELS)
    assert np.allclose(model.predict_proba(features), model.linear_.predict_proba(features))


def test_a_sharper_blend_is_more_confident_in_the_same_order(features: sparse.csr_matrix) -> None:
    modest = CriterionClassifier(alpha=1e-3, sharpness=1.0, nb_weight=0.0).fit(features, LABELS)
    sharp = CriterionClassifier(alpha=1e-3, sharpness=2.0, nb_weight=0.0).fit(features, LABELS)
    assert (sharp.predict_proba(features).max(axis=1) >= modest.predict_proba(features).max(axis=1)).all()
    assert (sharp.predict(features) == modest.predict(features)).all()


def test_training_twice_gives_the_same_model(features: sparse.csr_matrix) -> None:
    first = CriterionClassifier().fit(features, LABELS).predict_proba(features)
    assert np.array_equal(first, CriterionClassifier().fit(features, LABELS).predict_proba(features))


def test_naive_bayes_alone_gives_complement_nb_probabilities(features: sparse.csr_matrix) -> None:
    model = CriterionClassifier(sharpness=0.0, nb_weight=1.0, nb_alpha=0.1).fit(features, LABELS)
    expected = ComplementNB(alpha=0.1).fit(features, LABELS).predict_proba(features)
    assert np.allclose(model.predict_proba(features), expected, atol=1e-5)


def test_the_blend_is_cloned_and_pickled_like_any_estimator(features: sparse.csr_matrix) -> None:
    model = CriterionClassifier(nb_weight=0.3).fit(features, LABELS)
    assert clone(model).get_params() == model.get_params()
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.predict_proba(features), model.predict_proba(features))
