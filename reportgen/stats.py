"""Small statistics over repeated measurements."""

from __future__ import annotations

import itertools
import math
import random
import statistics
from collections.abc import Callable, Sequence
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

    def above(self, margin: float) -> bool:
        """Every value exceeds `margin`: with paired differences, a lead that holds in every seed."""
        return self.low > margin

    def below(self, margin: float) -> bool:
        return self.high < margin


T_95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23, 15: 2.13,
        20: 2.09, 30: 2.04}  # Student's t, two-sided 95%, by degrees of freedom


def mean_interval(values: list[float]) -> tuple[float, float] | None:
    """The 95% interval of the mean of independent values, mean ± t·SD/√n with Student's t at n − 1 degrees of
    freedom (between two rows of T_95, the fewer degrees of freedom: the wider interval); None with under two
    values. Unlike the values' range, it narrows as values are added, so a rule on it gets no easier to meet on one
    side than on the other as seeds are added."""
    if len(values) < 2:
        return None
    t = T_95[max(df for df in T_95 if df <= len(values) - 1)]
    mean, half = statistics.fmean(values), t * statistics.stdev(values) / math.sqrt(len(values))
    return mean - half, mean + half


@dataclass(frozen=True)
class PowerLaw:
    """Test error against training-set size, err(m) = a * m**b + c (Hestness et al. 2017)."""

    a: float
    b: float  # the exponent: how fast error falls with more data
    c: float  # the irreducible error the curve levels off at
    r2: float  # goodness of fit on the points it was fitted to

    def error(self, m: float) -> float:
        return self.a * m**self.b + self.c

    @property
    def falls(self) -> bool:
        """The fit has a fall to describe: a > 0 and b inside EXPONENT_RANGE. With a = 0 (a flat curve) or b at a
        bound of the scan, b is where the scan stopped, not an exponent the data set."""
        return self.a > 0 and EXPONENT_RANGE[0] < self.b < EXPONENT_RANGE[1]

    def m_for_error(self, error: float) -> float | None:
        """Training examples needed to reach `error`; None where the curve never gets there, infinite where it
        needs more than a float can count (a shallow curve: 1e-5 ** -1000 overflowed)."""
        if error <= self.c or self.b >= 0 or self.a <= 0:
            return None
        try:
            return ((error - self.c) / self.a) ** (1 / self.b)
        except OverflowError:
            return math.inf


EXPONENT_RANGE = (-3.0, 0.0)  # the exponents fit_power_law scans


def fit_power_law(m: list[int], error: list[float]) -> PowerLaw | None:
    """Least-squares fit of err = a * m^b + c with a >= 0, b in EXPONENT_RANGE, 0 <= c <= 1; None with too few points.

    For a fixed b the best a and c have a closed form, so the fit scans b on ever finer grids: no starting
    guess to get wrong, and fast enough to refit every bootstrap draw.
    """
    import numpy as np

    if len(m) < 4:  # three parameters need at least four points to leave a residual
        return None
    x, y = np.asarray(m, dtype=float), np.asarray(error, dtype=float)
    if not (np.isfinite(y).all() and np.isfinite(x).all() and (x > 0).all()):
        return None

    def best(bs):
        u = x[None, :] ** np.asarray(bs, dtype=float)[:, None]
        um, ym = u.mean(1), y.mean()
        var = ((u - um[:, None]) ** 2).sum(1)
        a = np.where(var > 0, ((u - um[:, None]) * (y - ym)).sum(1) / np.where(var > 0, var, 1), 0.0)
        c = ym - a * um
        uu = (u * u).sum(1)
        for bound in (0.0, 1.0):  # c held at a bound: a by least squares through it
            out = (c < 0) if bound == 0.0 else (c > 1)
            c = np.where(out, bound, c)
            a = np.where(out, (u * (y - bound)).sum(1) / uu, a)
        flat = a < 0
        a, c = np.where(flat, 0.0, a), np.where(flat, np.clip(ym, 0, 1), c)
        sse = ((y - a[:, None] * u - c[:, None]) ** 2).sum(1)
        return a, c, sse

    grid = np.linspace(*EXPONENT_RANGE, 301)
    for _ in range(4):  # each pass a 100 times finer grid between the best point's neighbours
        i = int(np.argmin(best(grid)[2]))
        grid = np.linspace(grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)], 201)
    b = grid[int(np.argmin(best(grid)[2]))]
    a, c, sse = (float(v[0]) for v in best([b]))
    total = float(((y - y.mean()) ** 2).sum())
    return PowerLaw(a, float(b), c, 1 - sse / total if total > 0 else 1.0)


def growth_exponent(m: list[int], seconds: list[float]) -> float | None:
    """Slope of log(time) against log(m) over the upper half of the range, where fixed overheads matter least."""
    import numpy as np

    if len(m) < 2 or not all(math.isfinite(s) and s > 0 for s in seconds):
        return None
    half = max(len(m) // 2, 2)
    x, y = np.log(np.asarray(m[-half:], dtype=float)), np.log(np.asarray(seconds[-half:], dtype=float))
    return float(np.polyfit(x, y, 1)[0])


def fit_power_law_no_floor(m: list[int], error: list[float]) -> PowerLaw | None:
    """err = a * m^b with no level (c = 0): a straight line in log-log, the rival a floor must beat."""
    import numpy as np

    if len(m) < 3 or min(error) <= 0:
        return None
    x, y = np.log(np.asarray(m, dtype=float)), np.log(np.asarray(error, dtype=float))
    b, log_a = np.polyfit(x, y, 1)
    fitted = np.exp(log_a) * np.exp(x) ** b
    errors = np.exp(y)
    total = float(((errors - errors.mean()) ** 2).sum())
    r2 = 1 - float(((errors - fitted) ** 2).sum()) / total if total > 0 else 1.0
    return PowerLaw(float(np.exp(log_a)), float(min(b, 0.0)), 0.0, r2) if b < 0 else PowerLaw(
        float(np.exp(log_a)), float(b), 0.0, r2)


def resamples(n: int, limit: int = 200, seed: int = 0) -> list[tuple[int, ...]]:
    """Bootstrap draws of n seeds with replacement, as index tuples: every distinct multiset, repeated by its
    multinomial weight, where there are few (3 seeds: 10 multisets, 27 draws); else `limit` random draws."""
    if n < 1:
        return []
    if n**n <= limit:
        return list(itertools.product(range(n), repeat=n))
    rng = random.Random(seed)
    return [tuple(rng.randrange(n) for _ in range(n)) for _ in range(limit)]


def bootstrap(per_seed: Sequence[Sequence[float]], statistic: Callable[[list[float]], float | None],
              infinite: bool = False) -> list[float]:
    """`statistic` of the seed-mean curve, for each bootstrap draw of whole seeds (the unit that is independent:
    one seed's points share nested subsets). per_seed[i] is seed i's curve. Draws where it is None or NaN are
    dropped, and infinite ones too unless `infinite` (where infinity means something, such as 'never')."""
    out, seen = [], {}
    for draw in resamples(len(per_seed)):
        key = tuple(sorted(draw))  # the mean curve depends on the multiset only: fit each one once
        if key not in seen:
            curve = [statistics.fmean(per_seed[i][j] for i in key) for j in range(len(per_seed[0]))]
            seen[key] = statistic(curve)
        value = seen[key]
        if value is not None and (math.isfinite(value) or infinite and not math.isnan(value)):
            out.append(value)
    return out


def interval(values: list[float], level: float = 0.9) -> tuple[float, float] | None:
    """The central `level` share of the values (percentiles), or None with none."""
    if not values:
        return None
    ordered = sorted(values)
    tail = (1 - level) / 2
    pick = lambda q: ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]
    return pick(tail), pick(1 - tail)


def paired_ratios(slow: list[float], fast: list[float]) -> list[float]:
    """slow[i] / fast[i]: the ratio of values measured side by side (the same round, the same seed)."""
    return [s / f for s, f in zip(slow, fast) if f > 0]


@dataclass(frozen=True)
class Curve:
    """A rival to the power law, err(m) = f(m) with its fitted parameters: a straight line in log m, a saturating
    exponential c + a·exp(-m/scale), or a sigmoid in log m, 1 - c / (1 + exp(-(ln m - a) / b))."""

    kind: str  # "log line", "exponential" or "log sigmoid"
    a: float  # the intercept (log line), the scale of the fall (exponential), the midpoint in ln m (log sigmoid)
    b: float  # the slope in log m (log line), the scale of m (exponential), the width in ln m (log sigmoid)
    c: float  # the floor of error (exponential), the ceiling of accuracy (log sigmoid)

    def error(self, m: float) -> float:
        if self.kind == "log line":
            return self.a + self.b * math.log(m)
        if self.kind == "log sigmoid":
            return 1 - self.c * 0.5 * (1 + math.tanh((math.log(m) - self.a) / self.b / 2))  # logistic, no overflow
        return self.c + self.a * math.exp(-m / self.b)


def fit_log_sigmoid(m: list[int], error: list[float]) -> Curve | None:
    """Least-squares err = 1 - c / (1 + exp(-(ln m - mu) / s)) with 0 <= c <= 1: accuracy a logistic function of
    ln m, which rises slowly, then fast, then levels off at c, a curve that can look like a power law over part of
    its range. The midpoint mu is kept inside the fitted range of ln m: well past its midpoint the sigmoid is a power
    law with a floor (error - (1 - c) falls like m^(-1/s)), so a rival free to put mu below the data would contain the
    law itself, and no forecast could ever put the law ahead of it. With its midpoint inside, it is the shape a power
    law is not: error concave in ln m below the midpoint, convex above. For fixed mu and s, c has a closed form, so mu
    and s (0.1 to 10, log grid) are scanned on a grid, then four times on a grid 5 times finer round the best
    point, then polished by bounded least squares from there: no starting guess to get wrong. Needs four points (three parameters and a residual)."""
    import numpy as np

    if len(m) < 4:
        return None
    x, y = np.log(np.asarray(m, dtype=float)), 1 - np.asarray(error, dtype=float)
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        return None

    def best(mus, widths):
        mu, w = np.meshgrid(np.asarray(mus, dtype=float), np.asarray(widths, dtype=float), indexing="ij")
        g = 0.5 * (1 + np.tanh((x[None, None, :] - mu[..., None]) / w[..., None] / 2))  # the logistic function
        gg = (g * g).sum(-1)
        c = np.clip(np.where(gg > 0, (g * y).sum(-1) / np.where(gg > 0, gg, 1), 0.0), 0.0, 1.0)
        return c, ((y - c[..., None] * g) ** 2).sum(-1)

    mus, widths = np.linspace(x.min(), x.max(), 61), np.geomspace(0.1, 10, 41)
    for _ in range(4):  # the best point's cell and two on each side, on a grid 5 times finer each pass
        c, sse = best(mus, widths)
        i, j = np.unravel_index(int(np.argmin(sse)), sse.shape)
        mus = np.linspace(mus[max(i - 2, 0)], mus[min(i + 2, len(mus) - 1)], 21)
        widths = np.geomspace(widths[max(j - 2, 0)], widths[min(j + 2, len(widths) - 1)], 21)
    c, sse = best(mus, widths)
    i, j = np.unravel_index(int(np.argmin(sse)), sse.shape)
    start = np.array([mus[i], widths[j], c[i, j]])
    residual = lambda p: y - p[2] * 0.5 * (1 + np.tanh((x - p[0]) / p[1] / 2))
    low, high = np.array([x.min(), 0.1, 0.0]), np.array([x.max(), 10.0, 1.0])
    try:  # the valley of (mu, s, c) can be long and flat: a bounded least-squares polish from the grid's best
        from scipy.optimize import least_squares

        polished = least_squares(residual, np.clip(start, low, high), bounds=(low, high), xtol=1e-12, ftol=1e-14)
        if polished.success and (polished.fun**2).sum() <= float(sse[i, j]):
            start = polished.x
    except (ImportError, ValueError):
        pass
    return Curve("log sigmoid", float(start[0]), float(start[1]), float(start[2]))


def fit_log_line(m: list[int], error: list[float]) -> Curve | None:
    """Least-squares err = a + b·ln m: a curve that gains the same per doubling for ever, neither bending like a
    power law nor levelling off. Needs two points."""
    import numpy as np

    if len(m) < 2:
        return None
    b, a = np.polyfit(np.log(np.asarray(m, dtype=float)), np.asarray(error, dtype=float), 1)
    return Curve("log line", float(a), float(b), 0.0)


def fit_exponential(m: list[int], error: list[float]) -> Curve | None:
    """Least-squares err = c + a·exp(-m/s) with a >= 0 and 0 <= c <= 1: a curve that levels off exponentially
    fast. For a fixed s, a and c have a closed form, so s is scanned on a log grid (from a tenth of the smallest m
    to ten times the largest), each pass finer. Needs three points."""
    import numpy as np

    if len(m) < 3:
        return None
    x, y = np.asarray(m, dtype=float), np.asarray(error, dtype=float)

    def best(scales):
        u = np.exp(-x[None, :] / np.asarray(scales, dtype=float)[:, None])
        um, ym = u.mean(1), y.mean()
        var = ((u - um[:, None]) ** 2).sum(1)
        a = np.where(var > 0, ((u - um[:, None]) * (y - ym)).sum(1) / np.where(var > 0, var, 1), 0.0)
        a = np.maximum(a, 0.0)
        c = np.clip(ym - a * um, 0.0, 1.0)
        return a, c, ((y - a[:, None] * u - c[:, None]) ** 2).sum(1)

    grid = np.geomspace(x.min() / 10, x.max() * 10, 301)
    for _ in range(3):
        i = int(np.argmin(best(grid)[2]))
        grid = np.geomspace(grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)], 101)
    s = float(grid[int(np.argmin(best(grid)[2]))])
    a, c, _ = (float(v[0]) for v in best([s]))
    return Curve("exponential", a, s, c)
