"""Inter-coder agreement: the public entry point (pure functions on plain data).

Why several coefficients: supervisors ask different questions, and each QDA
program answers one of them -- "do coders apply the same code to the same
sentence?" (kappa/alpha on predefined units), "do they mark the same
characters?" (NVivo), "do their segments find partners?" (MAXQDA), "do they
cut the text into the same pieces and label them alike?" (ATLAS.ti's unitizing
alphas). qualcode computes all of them from the same spans so the numbers
can be compared with what colleagues report from those programs.

Conventions: proportions are 0..1 (print ``100 * x`` for percent); spans are
half-open code-point offsets; an undefined coefficient is ``None`` (``NaN``
where a float is promised) with a reason, never an exception and never a
division by zero. Only misuse raises ``ValueError`` (one coder, bad spans,
unknown level).

Modules: ``agreement_alpha`` (Krippendorff's alpha, bootstrap),
``agreement_tables`` (kappa family on count tables), ``agreement_spans``
(units, characters, segments), ``agreement_unitized`` (uα family).
"""

from qualcode.analysis.agreement.alpha import (
    LEVELS,
    BootstrapInterval,
    bootstrap_alpha,
    bootstrap_alpha_counts,
    krippendorff_alpha,
    krippendorff_alpha_counts,
    krippendorff_alpha_detail,
)
from qualcode.analysis.agreement.coefficient import Coefficient
from qualcode.analysis.agreement.kappas import (
    brennan_prediger_kappa,
    category_counts,
    cohen_kappa,
    confusion_table,
    fleiss_kappa,
    percent_agreement,
    scott_pi,
)
from qualcode.analysis.agreement.spans import (
    CharacterAgreement,
    SegmentMatch,
    WeightedAgreement,
    character_agreement,
    match_segments,
    overlap_percent,
    segment_agreement_kappa,
    unit_presence,
    weighted_character_agreement,
)
from qualcode.analysis.agreement.unitized import (
    Cu_alpha,
    UnitizedAlpha,
    binary_u_alpha,
    cu_alpha,
    u_alpha,
)

__all__ = [
    "LEVELS",
    "BootstrapInterval",
    "CharacterAgreement",
    "Coefficient",
    "Cu_alpha",
    "SegmentMatch",
    "UnitizedAlpha",
    "WeightedAgreement",
    "binary_u_alpha",
    "bootstrap_alpha",
    "bootstrap_alpha_counts",
    "brennan_prediger_kappa",
    "category_counts",
    "character_agreement",
    "cohen_kappa",
    "confusion_table",
    "cu_alpha",
    "fleiss_kappa",
    "krippendorff_alpha",
    "krippendorff_alpha_counts",
    "krippendorff_alpha_detail",
    "match_segments",
    "overlap_percent",
    "percent_agreement",
    "scott_pi",
    "segment_agreement_kappa",
    "u_alpha",
    "unit_presence",
    "weighted_character_agreement",
]
