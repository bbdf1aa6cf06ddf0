# SPDX-License-Identifier: Apache-2.0
"""Plain-text rendering of a :class:`ngramkit.compare.Comparison` (the CLI's table)."""
from __future__ import annotations

import math
from typing import Any

#: p-values below this get the significance marker ``*``.
SIGNIFICANCE_LEVEL = 0.05


def format_value(metric: str, value: Any, *, field: str = "score") -> str:
    """Format one number of the comparison table.

    ``field`` is ``"score"``, ``"mean"``, ``"ci"``, ``"delta"`` or ``"p_value"``. Scores, means,
    interval half-widths and differences get 4 decimals for ROUGE (``metric`` starting with
    ``"rouge"``, 0-1 scale) and 2 for BLEU / chrF (0-100 scale); differences carry their sign;
    p-values get 4 decimals. A missing value (None or NaN) gives ``""``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    if math.isnan(value):
        return ""
    if field == "p_value":
        return f"{value:.4f}"
    decimals = 4 if metric.startswith("rouge") else 2
    sign = "+" if field == "delta" else ""
    return f"{value:{sign}.{decimals}f}"


def format_p(value) -> str:
    """A p-value with 4 decimals and ``*`` below :data:`SIGNIFICANCE_LEVEL`; empty for the baseline."""
    if value is None or math.isnan(value):
        return ""
    return f"{value:.4f}" + (" *" if value < SIGNIFICANCE_LEVEL else "")


def _cells(comparison, row: dict) -> list[str]:
    metric = row["metric"]
    interval = ""
    if row.get("mean") is not None:
        interval = f"(μ = {format_value(metric, row['mean'])} ± {format_value(metric, row['ci'])})"
    baseline = row["system"] == comparison.systems[0]
    delta = "" if baseline else format_value(metric, row["delta"], field="delta")
    return [row["system"], format_value(metric, row["score"]), interval, delta, format_p(row["p_value"])]


def format_table(comparison) -> str:
    """One block per metric: system, score, (μ ± 95% CI) for the bootstrap test, Δ to the baseline,
    p-value with ``*`` when significant; then the signatures."""
    test = {"bs": "paired bootstrap", "ar": "paired approximate randomization"}[comparison.test]
    lines = [f"{comparison.n_pairs} pairs, {len(comparison.systems)} systems (baseline: {comparison.systems[0]}), "
             f"{test}, {comparison.n_samples} samples, seed {comparison.seed}"]
    header = ["system", "score", "95% CI", "Δ baseline", "p-value"]
    keep = [i for i in range(len(header)) if comparison.test == "bs" or i != 2]  # no interval for ar
    header = [header[i] for i in keep]
    for metric in comparison.metrics:
        rows = [[cells[i] for i in keep] for cells in
                (_cells(comparison, comparison.row(system, metric)) for system in comparison.systems)]
        widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
        lines.append("")
        lines.append(f"{metric} (lower is better)" if metric in getattr(comparison, "lower_is_better", ()) else metric)
        lines.append("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))).rstrip())
        for r in rows:
            lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    lines.append("")
    lines.append(f"* p < {SIGNIFICANCE_LEVEL}")
    for metric, signature in comparison.signatures.items():
        lines.append(f"{metric}: {signature}")
    return "\n".join(lines)
