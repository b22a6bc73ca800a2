"""Small statistics over repeated measurements."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    """Mean and range of one quantity over seeds."""

    mean: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(statistics.fmean(values), min(values), max(values), len(values))


@dataclass(frozen=True)
class PowerLaw:
    """Test error against training-set size, err(m) = a * m**b + c (Hestness et al. 2017)."""

    a: float
    b: float  # the exponent: how fast error falls with more data
    c: float  # the irreducible error the curve levels off at
    r2: float  # goodness of fit on the points it was fitted to

    def error(self, m: float) -> float:
        return self.a * m**self.b + self.c

    def m_for_error(self, error: float) -> float | None:
        """Training examples needed to reach `error`; None where the curve never gets there."""
        if error <= self.c or self.b >= 0:
            return None
        return ((error - self.c) / self.a) ** (1 / self.b)


def fit_power_law(m: list[int], error: list[float]) -> PowerLaw | None:
    """Least-squares fit of err = a * m^b + c with a >= 0, b <= 0, 0 <= c <= 1; None with too few points."""
    import numpy as np
    from scipy.optimize import curve_fit

    if len(m) < 4:  # three parameters need at least four points to leave a residual
        return None
    x, y = np.asarray(m, dtype=float), np.asarray(error, dtype=float)

    def model(x, a, b, c):
        return a * x**b + c

    start = (max(y[0] - y[-1], 1e-3) * x[0] ** 0.3, -0.3, max(min(y) * 0.5, 0.0))
    try:
        (a, b, c), _ = curve_fit(model, x, y, p0=start, bounds=([0, -3, 0], [np.inf, 0, 1]), maxfev=20000)
    except (RuntimeError, ValueError):
        return None
    residual = float(((y - model(x, a, b, c)) ** 2).sum())
    total = float(((y - y.mean()) ** 2).sum())
    return PowerLaw(float(a), float(b), float(c), 1 - residual / total if total > 0 else 1.0)


def growth_exponent(m: list[int], seconds: list[float]) -> float | None:
    """Slope of log(time) against log(m) over the upper half of the range, where fixed overheads matter least."""
    import numpy as np

    if len(m) < 2:
        return None
    half = max(len(m) // 2, 2)
    x, y = np.log(np.asarray(m[-half:], dtype=float)), np.log(np.asarray(seconds[-half:], dtype=float))
    return float(np.polyfit(x, y, 1)[0])
