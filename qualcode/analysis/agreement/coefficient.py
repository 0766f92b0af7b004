"""Result types shared by the agreement coefficients.

Coefficients can be undefined (a code nobody applied leaves no variation to
correct for chance). A bare float cannot say *why*, so table-based
coefficients return a :class:`Coefficient` whose ``value`` is ``None`` and whose
``reason`` is a sentence the caller can print instead of a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Coefficient:
    """One agreement coefficient and the quantities it was computed from.

    ``value`` is ``None`` exactly when the coefficient is undefined, and then
    ``reason`` explains it. ``observed``/``expected`` are the observed and
    chance agreement proportions for kappa-type coefficients (``p_o``, ``p_e``),
    or the observed and expected *disagreements* for alpha-type ones (``D_o``,
    ``D_e``); ``n`` is the number of units, pairs or pairable values counted.
    ``float(c)`` gives NaN for an undefined coefficient, so it can flow into
    numeric exports.
    """

    name: str
    value: float | None
    observed: float | None = None
    expected: float | None = None
    n: float = 0
    reason: str | None = None

    @property
    def defined(self) -> bool:
        return self.value is not None

    def __float__(self) -> float:
        return math.nan if self.value is None else float(self.value)


def undefined(
    name: str, reason: str, *, observed: float | None = None, expected: float | None = None, n: float = 0
) -> Coefficient:
    """An undefined coefficient with the reason the caller will print."""
    return Coefficient(name, None, observed, expected, n, reason)
