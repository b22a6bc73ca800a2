"""How numbers read in the report. Findings and tables format through these, so text and tests agree."""

from __future__ import annotations

import math

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def pct(x: float) -> str:
    """An accuracy: 0.6905 -> '69.1%'."""
    return f"{100 * x:.1f}%"


def points(x: float) -> str:
    """A difference of accuracies in percentage points: 0.213 -> '21.3 points'; never '-0.0 points' (a loss too
    small to show is no loss)."""
    text = f"{100 * x:.1f}"
    return f"{'0.0' if text == '-0.0' else text} points"


def times(x: float) -> str:
    """A ratio: '6.7×', '250×', or '4.1×10⁵' when it spans orders of magnitude (a GPU's speed-up of a few
    hundred reads better as a number than as a power of ten)."""
    if math.isnan(x):
        return "undefined"
    if not math.isfinite(x):
        return "∞"
    if 0 < x < 0.095:  # two significant digits, not '0.0×' for a ratio that is not 0 (20 times slower: '0.05×')
        return f"{x:.2g}×"
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


def counted(n: int, noun: str) -> str:
    """'1 thread', '3 rounds'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def config_label(device: str, precision: str, threads: int | None) -> str:
    """A timed configuration: 'CPU, 2 threads' (fp32), 'CPU bf16, 2 threads' or 'cuda:0 bf16'."""
    if device != "cpu":
        return f"{device} {precision}"
    return f"CPU{'' if precision == 'fp32' else ' ' + precision}, {threads} thread{'s' if threads != 1 else ''}"


def times_beside(x: float, bars: tuple[float, ...], digits: int = 1) -> str:
    """A ratio as `times` writes it, with `digits` decimals or more where fewer would round it up to a bar it is
    under (1.196 is '1.196×', not '1.20×', beside a bar of 1.2); past three decimals, cut down instead of rounded.
    The display rule lives beside the bars it is judged by, so a printed ratio never seems to pass a bar it missed."""
    if not math.isfinite(x) or x >= 100 or 0 < x < 0.095:  # far from any bar: as `times` writes it
        return times(x)

    def crosses(text: str) -> bool:
        return any(float(text) >= bar > x for bar in bars)
    while crosses(f"{x:.{digits}f}") and digits < 3:
        digits += 1
    text = f"{x:.{digits}f}"
    return (f"{math.floor(x * 10**digits) / 10**digits:.{digits}f}" if crosses(text) else text) + "×"


def message_size(n_bytes: int) -> str:
    """A message size in binary units, as all-reduce sweeps give them: 4096 is '4 KiB', 2**26 '64 MiB'."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:g} {unit}"
    return f"{n_bytes} B"


def bandwidth(bytes_per_second: float) -> str:
    """Bytes per second in GB/s (10⁹ bytes, as nccl-tests quotes algbw and busbw), or MB/s under 1 GB/s."""
    if bytes_per_second >= 1e9:
        return f"{bytes_per_second / 1e9:,.2f} GB/s"
    return f"{bytes_per_second / 1e6:.3g} MB/s"


def multiple(x: float) -> str:
    """A ratio as a multiple in a sentence: '30.0 times', '1.2×10⁵ times'."""
    return times(x).removesuffix("×") + " times"


def and_list(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' ('' for none)."""
    return "".join(words) if len(words) < 2 else ", ".join(words[:-1]) + " and " + words[-1]


def cap(text: str) -> str:
    """The first letter upper case, the rest as it was ('ReLU' stays 'ReLU')."""
    return text[:1].upper() + text[1:]


def accuracy_spread(mean: float, low: float, high: float, n: int) -> str:
    """An accuracy over seeds for a table: '69.1% (68.0–70.2)', or '69.1%' for one seed."""
    return pct(mean) if n == 1 else f"{pct(mean)} ({100 * low:.1f}–{100 * high:.1f})"


def said_points(x: float) -> str:
    """A difference of accuracies as a person says it in a headline: '17 points', '1.4 points' (the evidence keeps
    the tenths and the spreads)."""
    size = abs(100 * x)
    return f"{size:.0f} points" if size >= 9.95 else f"{size:.1f} points"
