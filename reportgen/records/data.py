"""What results.json records about the data the curves were fitted on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class DataInfo:
    """What results.json records about the data."""

    name: str
    generator: str  # how the examples came to be: a generator function, or "file" for the user's own data
    generator_args: dict[str, Any]
    pool_size: int
    test_size: int
    from_cache: bool
    features: int = 40
    classes: int = 10
    sequence: bool = True  # examples are 1-D signals, so a convolutional net applies
