"""How numbers read in the report. Findings and tables format through these, so text and tests agree."""

from __future__ import annotations

import math

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def pct(x: float) -> str:
    """An accuracy: 0.6905 -> '69.1%'."""
    return f"{100 * x:.1f}%"


def points(x: float) -> str:
    """A difference of accuracies in percentage points: 0.213 -> '21.3 points'."""
    return f"{100 * x:.1f} points"


def times(x: float) -> str:
    """A ratio: '6.7×', '250×', or '4.1×10⁵' when it spans orders of magnitude (a GPU's speed-up of a few
    hundred reads better as a number than as a power of ten)."""
    if math.isnan(x):
        return "undefined"
    if not math.isfinite(x):
        return "∞"
    if x < 100:
        return f"{x:.1f}×"
    if round(x) < 10_000:
        return f"{round(x):,}×"
    exponent = math.floor(math.log10(x))
    mantissa = x / 10**exponent
    if round(mantissa, 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.1f}×10{str(exponent).translate(_SUPERSCRIPT)}"


def power_of_m(x: float) -> str:
    """A growth exponent as a power of m, never 'm^-0.0'."""
    return f"m^{abs(x) if abs(x) < 0.05 else x:.1f}"


def sci(x: float) -> str:
    """A small magnitude such as a gradient: 2.6e-06 -> '2.6×10⁻⁶'."""
    if x == 0 or not math.isfinite(x):
        return str(x)
    exponent = math.floor(math.log10(abs(x)))
    if -3 <= exponent < 4:
        return f"{x:.3g}"
    mantissa, exponent = f"{x:.1e}".split("e")  # by formatting: 10.0**-324 is zero, so x / 10**e cannot be used
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def duration(seconds: float) -> str:
    """A wall time in the unit a person would use."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.3g} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.3g} h"
    return f"{seconds / 86400:.3g} days"


def count(n: int) -> str:
    return f"{n:,}"


def config_label(device: str, precision: str, threads: int | None) -> str:
    """A timed configuration: 'CPU, 2 threads' or 'cuda:0 bf16'."""
    return f"CPU, {threads} thread{'s' if threads != 1 else ''}" if device == "cpu" else f"{device} {precision}"
