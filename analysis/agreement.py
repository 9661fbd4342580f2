"""Agreement between codings: Krippendorff's alpha and Cohen's kappa, with bootstrap intervals over units.

Implemented here once, because the maintained Python package for alpha (``krippendorff`` on PyPI) is
GPL-3.0 and this project's code is MIT. Tests check both measures against published worked examples
(Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"; the Cohen's kappa example of
Wikipedia / Fleiss et al.).

Everything works on *value-count* form: for each unit, how many coders gave it each value. The
coincidence matrix is a sum of one small matrix per unit, so a bootstrap resample of units is a
weighted sum, and all resamples are computed together as one matrix product (no Python loop).
"""

from __future__ import annotations

import numpy as np

LEVELS = ("nominal", "ordinal", "interval", "ratio")
RELIABLE, TENTATIVE = 0.800, 0.667  # Krippendorff (2004): rely on alpha >= .800, tentative conclusions from .667


def value_counts(data, values=None) -> tuple[np.ndarray, np.ndarray]:
    """Reliability data (coders x units; ``nan``/``None`` = missing) → (units x values counts, the values).

    >>> counts, values = value_counts([[1, 2, None], [1, 3, 3]])
    >>> counts.tolist(), values.tolist()
    ([[2, 0, 0], [0, 1, 1], [0, 0, 1]], [1.0, 2.0, 3.0])
    """
    rows = [[None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in row] for row in data]
    try:
        matrix = np.array([[np.nan if v is None else float(v) for v in row] for row in rows], dtype=float)
    except (TypeError, ValueError):  # labels (nominal data): number them in sorted order
        labels = sorted({v for row in rows for v in row if v is not None}, key=str)
        number = {label: i for i, label in enumerate(labels)}
        matrix = np.array([[np.nan if v is None else number[v] for v in row] for row in rows], dtype=float)
    present = ~np.isnan(matrix)
    values = np.unique(matrix[present]) if values is None else np.asarray(values, dtype=float)
    index = np.searchsorted(values, matrix[present])
    if np.any(index >= len(values)) or np.any(values[np.minimum(index, len(values) - 1)] != matrix[present]):
        raise ValueError("the reliability data holds a value outside the given values")
    units = np.nonzero(present)[1]
    counts = np.zeros((matrix.shape[1], len(values)), dtype=np.int64)
    np.add.at(counts, (units, index), 1)
    return counts, values


def unit_coincidences(counts: np.ndarray) -> np.ndarray:
    """One coincidence matrix per unit (units x V x V); units coded by fewer than two coders give zeros."""
    counts = np.asarray(counts, dtype=float)
    m = counts.sum(axis=1)
    outer = counts[:, :, None] * counts[:, None, :]
    outer -= np.einsum("uv,vw->uvw", counts, np.eye(counts.shape[1]))  # n_uc (n_uc - 1) on the diagonal
    scale = np.divide(1.0, m - 1, out=np.zeros_like(m), where=m > 1)
    return outer * scale[:, None, None]


def _delta(level: str, values: np.ndarray, marginals: np.ndarray) -> np.ndarray:
    """Squared difference function; ``marginals`` is (B x V) for ordinal, which depends on them."""
    v = len(values)
    if level == "nominal":
        return 1.0 - np.eye(v)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ratio":
        total = values[:, None] + values[None, :]
        return np.divide((values[:, None] - values[None, :]) ** 2, total**2, out=np.zeros((v, v)), where=total != 0)
    if level == "ordinal":
        cumulative = np.cumsum(marginals, axis=-1)
        low, high = np.minimum.outer(np.arange(v), np.arange(v)), np.maximum.outer(np.arange(v), np.arange(v))
        between = (
            cumulative[..., high]
            - np.concatenate([np.zeros(marginals.shape[:-1] + (1,)), cumulative], axis=-1)[..., low]
        )
        return (between - (marginals[..., :, None] + marginals[..., None, :]) / 2) ** 2
    raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


def alpha_from_coincidences(coincidences: np.ndarray, values: np.ndarray, level: str = "nominal") -> np.ndarray:
    """Alpha of one (V x V) or many (B x V x V) coincidence matrices; ``nan`` where undefined."""
    o = np.asarray(coincidences, dtype=float)
    marginals = o.sum(axis=-1)
    n = marginals.sum(axis=-1)
    delta = _delta(level, np.asarray(values, dtype=float), marginals)
    observed = (o * delta).sum(axis=(-2, -1))
    expected = (marginals[..., :, None] * marginals[..., None, :] * delta).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        result = 1.0 - (n - 1) * observed / expected
    return np.where(expected > 0, result, np.nan)


def krippendorff_alpha(data, level: str = "nominal", values=None) -> float:
    """Krippendorff's alpha of reliability data (coders x units, missing as ``nan`` or ``None``).

    Krippendorff (2011), 4 coders x 12 units with missing values, nominal:

    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...         [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    >>> round(krippendorff_alpha(data, "nominal"), 3)
    0.743
    """
    counts, values = value_counts(data, values)
    return float(alpha_from_coincidences(unit_coincidences(counts).sum(axis=0), values, level))


def cohen_kappa_from_table(table: np.ndarray) -> np.ndarray:
    """Cohen's kappa of one (V x V) or many (B x V x V) contingency tables; ``nan`` where chance agreement is 1."""
    t = np.asarray(table, dtype=float)
    n = t.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.trace(t, axis1=-2, axis2=-1) / n
        expected = (t.sum(axis=-1) * t.sum(axis=-2)).sum(axis=-1) / n**2
        result = (observed - expected) / (1 - expected)
    return np.where((n > 0) & (expected < 1), result, np.nan)


def cohen_kappa(first, second) -> float:
    """Cohen's kappa of two complete codings of the same units.

    Wikipedia's worked example (50 proposals; yes/yes 20, yes/no 5, no/yes 10, no/no 15): 0.4.

    >>> a = ["y"] * 25 + ["n"] * 25
    >>> b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    >>> round(cohen_kappa(a, b), 3)
    0.4
    """
    first, second = list(first), list(second)
    if len(first) != len(second) or not first:
        raise ValueError("kappa needs two codings of the same, non-empty set of units")
    categories = sorted(set(first) | set(second), key=str)
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    np.add.at(table, ([index[x] for x in first], [index[y] for y in second]), 1)
    return float(cohen_kappa_from_table(table))


def bootstrap_weights(n_units: int, resamples: int = 2000, seed: int = 20260101) -> np.ndarray:
    """How often each unit is drawn in each resample (resamples x units), from a fixed seed."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_units, size=(resamples, n_units))
    offsets = (np.arange(resamples) * n_units)[:, None]
    return (
        np.bincount((draws + offsets).ravel(), minlength=resamples * n_units).reshape(resamples, n_units).astype(float)
    )


def _interval(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    finite = samples[np.isfinite(samples)]
    if len(finite) == 0:
        return float("nan"), float("nan")
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def pair_agreement(
    first: np.ndarray,
    second: np.ndarray,
    categories: list,
    level: str = "nominal",
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict:
    """Alpha and kappa of two codings of the same units, each with a percentile bootstrap interval.

    ``first`` and ``second`` hold category labels (equal length, no missing); ``categories`` gives
    their order (which matters for ordinal alpha). ``weights`` comes from :func:`bootstrap_weights`
    and is shared between measures so their intervals rest on the same resamples.
    """
    index = {c: i for i, c in enumerate(categories)}
    a = np.array([index[x] for x in first], dtype=int)
    b = np.array([index[x] for x in second], dtype=int)
    v, n = len(categories), len(a)
    values = np.arange(v, dtype=float)

    def measures(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # With two coders and no missing values the coincidence matrix is the contingency table plus its transpose.
        return (
            alpha_from_coincidences(tables + np.swapaxes(tables, -1, -2), values, level),
            cohen_kappa_from_table(tables),
        )

    cells = a * v + b
    table = np.bincount(cells, minlength=v * v).astype(float).reshape(v, v)
    alpha, kappa = (float(x) for x in measures(table))
    result = {"n_units": n, "agreement": float((a == b).mean()) if n else float("nan"), "alpha": alpha, "kappa": kappa}
    if weights is None or n == 0:
        result.update(alpha_ci=(float("nan"), float("nan")), kappa_ci=(float("nan"), float("nan")))
        return result
    # Each resample's table: sum the weights of the units in each cell (one sparse sum, no dense product).
    order = np.argsort(cells, kind="stable")
    used, starts = np.unique(cells[order], return_index=True)
    tables = np.zeros((weights.shape[0], v * v))
    tables[:, used] = np.add.reduceat(weights[:, order], starts, axis=1)
    alphas, kappas = measures(tables.reshape(-1, v, v))
    result.update(alpha_ci=_interval(alphas, confidence), kappa_ci=_interval(kappas, confidence))
    return result


def verdict(alpha: float) -> str:
    """Krippendorff's thresholds: reliable from .800, tentative from .667."""
    if not np.isfinite(alpha):
        return "undefined"
    return "reliable (>= .800)" if alpha >= RELIABLE else "tentative (>= .667)" if alpha >= TENTATIVE else "below .667"
