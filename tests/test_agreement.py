"""Krippendorff's alpha and Cohen's kappa against published worked examples; bootstrap intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.agreement import (
    bootstrap_weights,
    cohen_kappa,
    krippendorff_alpha,
    pair_agreement,
    verdict,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4 observers x 12 units, missing values
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
# Krippendorff (2011), binary data, two observers, no missing data
K2011_BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
# Wikipedia "Krippendorff's alpha", 3 coders x 15 units
WIKI = [
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]


@pytest.mark.parametrize(
    "data, level, published",
    [
        (K2011, "nominal", 0.743),
        (K2011, "ordinal", 0.815),
        (K2011, "interval", 0.849),
        (K2011, "ratio", 0.797),
        (K2011_BINARY, "nominal", 0.095),
        (WIKI, "nominal", 0.691),
        (WIKI, "interval", 0.811),
    ],
)
def test_alpha_reproduces_published_worked_examples(data, level, published):
    assert round(krippendorff_alpha(data, level), 3) == published


def test_alpha_is_one_for_perfect_agreement_and_undefined_without_variation():
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]]) == 1.0
    assert math.isnan(krippendorff_alpha([[1, 1], [1, 1]]))


def test_kappa_reproduces_the_published_two_by_two_example():
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)


def test_bootstrap_interval_is_reproducible_contains_the_estimate_and_narrows_with_more_units():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, 400)
    noisy = np.where(rng.random(400) < 0.8, truth, rng.integers(0, 3, 400))
    small = pair_agreement(truth[:40], noisy[:40], [0, 1, 2], "nominal", bootstrap_weights(40, 500, 7))
    again = pair_agreement(truth[:40], noisy[:40], [0, 1, 2], "nominal", bootstrap_weights(40, 500, 7))
    large = pair_agreement(truth, noisy, [0, 1, 2], "nominal", bootstrap_weights(400, 500, 7))
    assert small == again
    for result in (small, large):
        assert result["alpha_ci"][0] <= result["alpha"] <= result["alpha_ci"][1]
        assert result["kappa_ci"][0] <= result["kappa"] <= result["kappa_ci"][1]
    assert np.diff(large["alpha_ci"])[0] < np.diff(small["alpha_ci"])[0]
    assert small["alpha"] == pytest.approx(krippendorff_alpha([truth[:40], noisy[:40]]))
    assert small["kappa"] == pytest.approx(cohen_kappa(truth[:40], noisy[:40]))


def test_ordinal_alpha_counts_a_near_miss_as_less_disagreement_than_a_far_one():
    near = pair_agreement([0, 1, 2, 3, 3, 0], [0, 1, 2, 2, 3, 0], [0, 1, 2, 3], "ordinal")
    far = pair_agreement([0, 1, 2, 3, 3, 0], [0, 1, 2, 0, 3, 0], [0, 1, 2, 3], "ordinal")
    assert near["alpha"] > far["alpha"]
    assert near["agreement"] == far["agreement"]  # the same number of exact matches


def test_thresholds_are_marked():
    assert verdict(0.81) == "reliable (>= .800)" and verdict(0.7) == "tentative (>= .667)"
    assert verdict(0.5) == "below .667" and verdict(float("nan")) == "undefined"
