"""Self-contained HTML report of a system comparison (:func:`ngramkit.compare`).

The report is one HTML5 document that loads nothing: styles are inline and figures are inline SVG.
It holds a header (systems, metrics, test, signatures), the significance table, per metric the
distribution of per-pair scores and a per-pair scatter of each system against the baseline, and the
pairs where each system differs most from the baseline, with their texts.

Plotting needs matplotlib (``pip install 'ngramkit[plot]'``), imported lazily; without it the report
keeps the header, the table and the examples. Figures are drawn on :class:`matplotlib.figure.Figure`
objects directly, so pyplot's global state and backend are never touched, and saved with a fixed
hash salt and no date, so the same comparison always gives the same file.
"""
from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .text_table import format_value

__all__ = ["format_value", "html_fragment", "render_html", "write_report"]

SIGNIFICANCE_LEVEL = 0.05
MAX_SCATTER_POINTS = 20_000
RASTERIZE_ABOVE = 300
#: A text longer than this many characters or lines shows its beginning; the rest is one click
#: away (``<details>``), up to MAX_FULL_TEXT_CHARS characters.
MAX_TEXT_CHARS = 400
MAX_TEXT_LINES = 8
MAX_FULL_TEXT_CHARS = 100_000

_TEST_NAMES = {"bs": "paired bootstrap resampling", "ar": "paired approximate randomization"}
_SYSTEM_COLORS = ("#4d4d4d", "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000")
_BETTER, _WORSE, _TIE = "#009e73", "#d55e00", "#9a9a9a"
_PLOT_HINT = "Figures need matplotlib: pip install 'ngramkit[plot]'"

_CSS = """
.ngramkit-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1a1a1a; line-height: 1.4; max-width: 1400px; }
.ngramkit-report h1 { font-size: 1.5em; margin: 0.4em 0; }
.ngramkit-report h2 { font-size: 1.25em; margin: 1.4em 0 0.4em; border-bottom: 1px solid #ddd; }
.ngramkit-report h3 { font-size: 1.05em; margin: 1.1em 0 0.3em; }
.ngramkit-report table { border-collapse: collapse; margin: 0.4em 0; font-size: 0.92em; }
.ngramkit-report th, .ngramkit-report td { border: 1px solid #d0d0d0; padding: 3px 7px;
  vertical-align: top; text-align: left; }
.ngramkit-report th { background: #f3f3f3; }
.ngramkit-report td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ngramkit-report tr.nk-sig td.nk-marker { font-weight: bold; color: #b00000; }
.ngramkit-report tr.nk-group td { border-top: 2px solid #999; }
.ngramkit-report td.nk-text { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 14em;
  max-width: 32em; }
.ngramkit-report td.nk-text ol { margin: 0; padding-left: 1.3em; }
.ngramkit-report code { font-size: 0.9em; overflow-wrap: anywhere; }
.ngramkit-report .nk-note { color: #555; font-style: italic; }
.ngramkit-report .nk-figure svg { max-width: 100%; height: auto; }
.ngramkit-report pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; }
.ngramkit-report details.nk-clip > summary { cursor: pointer; }
.ngramkit-report details.nk-clip > summary .nk-more { color: #0072b2; font-style: italic; white-space: nowrap; }
.ngramkit-report details.nk-clip[open] > summary .nk-preview { display: none; }
"""


def render_html(comparison: Any, *, max_examples: int = 20, example_metrics: Any = None) -> str:
    """One self-contained HTML5 document reporting ``comparison``.

    ``max_examples``: rows per "pairs that differ most" table (0: no such tables).
    ``example_metrics``: the metrics with such tables — None (default) every metric row of the
    comparison; else metric row names (``"rouge1"``, ``"BLEU"``, ``"chrF2"``; case-insensitive;
    a family name such as ``"rouge"`` or ``"chrf"`` stands for its rows), as a list or one
    comma-separated string. An unknown name raises ValueError listing the choices."""
    title = "ngramkit comparison: " + ", ".join(comparison.systems)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{_report_body(comparison, max_examples, example_metrics)}</body>\n</html>\n"
    )


def html_fragment(comparison: Any, *, max_examples: int = 20, example_metrics: Any = None) -> str:
    """The report without the ``<html>``/``<head>`` wrapper (for Jupyter's ``_repr_html_``)."""
    return f"<style>{_CSS}</style>\n{_report_body(comparison, max_examples, example_metrics)}"


def write_report(comparison: Any, path: Any, *, max_examples: int = 20, example_metrics: Any = None) -> None:
    """Write :func:`render_html` of ``comparison`` to ``path`` (UTF-8)."""
    text = render_html(comparison, max_examples=max_examples, example_metrics=example_metrics)
    Path(path).write_text(text, encoding="utf-8")


def _report_body(c: Any, max_examples: int, example_metrics: Any = None) -> str:
    """The report's content inside one ``div.ngramkit-report``."""
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 0:
        raise ValueError(f"max_examples: expected a non-negative int, got {max_examples!r}")
    chosen = choose_example_metrics(c, example_metrics)  # a bad choice fails before any drawing
    parts = [_header_html(c), _table_html(c), _figures_html(c), _examples_html(c, max_examples, chosen)]
    return "<div class=\"ngramkit-report\">\n" + "\n".join(parts) + "</div>\n"


def choose_example_metrics(c: Any, chosen: Any) -> list[str]:
    """The metric rows (of those with per-pair scores) that get "pairs that differ most" tables:
    all for None, else those named (see :func:`render_html`), in the comparison's order."""
    available = _plotted_metrics(c)
    if chosen is None:
        return available
    names = chosen.split(",") if isinstance(chosen, str) else chosen
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"example_metrics: expected None, a comma-separated str or a list of metric names, "
                        f"got {chosen!r}")
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise ValueError(f"example_metrics: no metric named; choose among {', '.join(available)}")
    picked = set()
    for name in names:
        found = [m for m in available if m.lower() == name.lower()] or \
                [m for m in available if m.lower().startswith(name.lower()) and name.lower() in ("rouge", "chrf")]
        if not found:
            raise ValueError(f"example_metrics: no metric {name!r} in this comparison; choose among "
                             f"{', '.join(available)}")
        picked.update(found)
    return [m for m in available if m in picked]


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _is_rouge(metric: str) -> bool:
    return metric.lower().startswith("rouge")


def _scale(metric: str) -> float:
    """Upper end of the metric's scale: 1 for ROUGE, 100 for BLEU / chrF."""
    return 1.0 if _is_rouge(metric) else 100.0


def _baseline(c: Any) -> str:
    return c.systems[0]


def _header_html(c: Any) -> str:
    """Title and the settings of the comparison."""
    test = getattr(c, "test", None)
    seed = getattr(c, "seed", None)
    systems = ", ".join(
        f"<b>{_esc(s)}</b> (baseline)" if i == 0 else _esc(s) for i, s in enumerate(c.systems))
    rows = [
        ("Systems", systems),
        ("Metrics", _esc(", ".join(c.metrics))),
        ("Test", _esc(_TEST_NAMES.get(test, test)) + f" (<code>{_esc(test)}</code>)"),
        ("Resamples", _esc(getattr(c, "n_samples", ""))),
        ("Seed", _esc("none" if seed is None else seed)),
        ("Pairs", _esc(f"{c.n_pairs:,}")),
    ]
    rows += [(f"Signature {_esc(', '.join(names))}", f"<code>{_esc(sig)}</code>")
             for sig, names in _grouped_signatures(c).items()]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<h1>System comparison</h1>\n<table class=\"nk-header\">{body}</table>\n"


def _grouped_signatures(c: Any) -> dict[str, list[str]]:
    """Signature -> the metrics that share it (ROUGE types usually do), in first-seen order."""
    grouped: dict[str, list[str]] = {}
    for metric, signature in (getattr(c, "signatures", None) or {}).items():
        grouped.setdefault(str(signature), []).append(str(metric))
    return grouped


def _table_html(c: Any) -> str:
    """The significance table: one row per (system, metric), the numbers of ``c.table``."""
    has_ci = _has_intervals(c)
    head = ["System", "Metric", "Score"] + (["95% CI (mean ± half-width)"] if has_ci else [])
    head += [f"Δ vs {c.systems[0]}", "p-value", "Sig."]
    rows, previous = [], None
    for row in c.table:
        rows.append(_table_row(c, row, has_ci, first_of_system=row["system"] != previous))
        previous = row["system"]
    header = "".join(f"<th>{_esc(h)}</th>" for h in head)
    note = (f"<p class=\"nk-note\">Sig.: * marks p &lt; {SIGNIFICANCE_LEVEL} against the baseline "
            f"({_esc(_TEST_NAMES.get(c.test, c.test))}, {_esc(c.n_samples)} samples).</p>")
    return (f"<h2>Scores</h2>\n<table class=\"nk-scores\"><thead><tr>{header}</tr></thead>\n<tbody>\n"
            + "\n".join(rows) + f"\n</tbody></table>\n{note}\n{_plain_table_html(c)}")


def _has_intervals(c: Any) -> bool:
    return any(row.get("ci") is not None for row in c.table)


def _table_row(c: Any, row: dict, has_ci: bool, first_of_system: bool) -> str:
    """One ``<tr>`` of the significance table."""
    metric, is_base = row["metric"], row["system"] == _baseline(c)
    p_value = row.get("p_value")
    significant = not is_base and p_value is not None and p_value < SIGNIFICANCE_LEVEL
    label = f"{metric} (lower is better)" if _improvement_sign(c, metric) < 0 else metric
    cells = [_esc(row["system"]) if first_of_system else "", _esc(label)]
    cells.append(format_value(metric, row["score"]))
    if has_ci:
        mean, ci = row.get("mean"), row.get("ci")
        cells.append("" if ci is None else
                     f"{format_value(metric, mean, field='mean')} ± {format_value(metric, ci, field='ci')}")
    cells.append("—" if is_base else format_value(metric, row.get("delta"), field="delta"))
    cells.append("—" if is_base else format_value(metric, p_value, field="p_value"))
    cells.append("*" if significant else "")
    numeric = range(2, len(cells))
    tds = "".join(
        f"<td class=\"{'num' if i in numeric else 'nk-label'}{' nk-marker' if i == len(cells) - 1 else ''}\">"
        f"{v}</td>" for i, v in enumerate(cells))
    classes = " ".join(k for k, on in (("nk-sig", significant), ("nk-group", first_of_system)) if on)
    return f"<tr class=\"{classes}\">{tds}</tr>" if classes else f"<tr>{tds}</tr>"


def _plain_table_html(c: Any) -> str:
    """The plain-text table of ``c.format()`` in a collapsed block, when the object has one."""
    formatter = getattr(c, "format", None)
    if not callable(formatter):
        return ""
    try:
        text = formatter()
    except Exception:  # noqa: BLE001 - the report must not fail on the optional text view
        return ""
    return f"<details><summary>Plain-text table</summary><pre>{_esc(text)}</pre></details>\n"


def _figures_html(c: Any) -> str:
    """Figures (score intervals, per-metric distributions and scatters) or the note without matplotlib."""
    figure_class = _figure_class()
    if figure_class is None:
        return f"<h2>Figures</h2>\n<p class=\"nk-note\">{_esc(_PLOT_HINT)}</p>\n"
    with _plot_style():
        heading = "Scores with 95% intervals" if _has_intervals(c) else "Scores"
        parts = [f"<h2>{heading}</h2>\n",
                 _figure_div(_overview_figure(c, figure_class), "nk-overview-")]
        for k, metric in enumerate(_plotted_metrics(c)):
            parts.append(f"<h2>Per-pair {_esc(metric)}</h2>\n")
            parts.append(_figure_div(_metric_figure(c, metric, figure_class), f"nk-fig{k}-"))
    return "".join(parts)


def _plotted_metrics(c: Any) -> list[str]:
    """The metrics, in order, that have per-pair scores of every system."""
    scores = getattr(c, "sentence_scores", None) or {}
    return [m for m in c.metrics if m in scores and all(s in scores[m] for s in c.systems)]


def _figure_class() -> type | None:
    """``matplotlib.figure.Figure``, or None when matplotlib is not installed."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    return Figure


def _plot_style():
    """A matplotlib rc context: deterministic SVG, glyphs as paths, small fonts."""
    import matplotlib

    return matplotlib.rc_context({
        "svg.hashsalt": "ngramkit-report", "svg.fonttype": "path", "font.size": 9,
        "axes.titlesize": 10, "axes.spines.top": False, "axes.spines.right": False,
        "legend.fontsize": 8, "legend.framealpha": 0.85, "savefig.dpi": 150,
    })


def _figure_div(figure: Any, prefix: str) -> str:
    return f"<div class=\"nk-figure\">\n{_svg_text(figure, prefix)}\n</div>\n"


def _svg_text(figure: Any, prefix: str) -> str:
    """The figure as an inline ``<svg>`` element with ids unique in the page."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    return _prefix_ids(svg, prefix).strip()


def _prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every id and local reference so several inline SVGs never share an id."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)


def _system_color(index: int) -> str:
    return _SYSTEM_COLORS[index % len(_SYSTEM_COLORS)]


def _grid(n_panels: int, max_cols: int = 3) -> tuple[int, int]:
    cols = min(n_panels, max_cols)
    return math.ceil(n_panels / cols), cols


def _overview_figure(c: Any, figure_class: type) -> Any:
    """One panel per metric: each system's score (dot) and 95% interval (bar), baseline dashed."""
    rows, cols = _grid(len(c.metrics))
    height = 0.9 + 0.32 * len(c.systems)
    fig = figure_class(figsize=(3.6 * cols, height * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True).ravel()
    by_key = {(r["system"], r["metric"]): r for r in c.table}
    for ax, metric in zip(axes, c.metrics):
        _draw_intervals(ax, c, metric, by_key)
    for ax in axes[len(c.metrics):]:
        ax.set_visible(False)
    return fig


def _draw_intervals(ax: Any, c: Any, metric: str, by_key: dict) -> None:
    """Dot-and-whisker rows of one metric, the baseline on top."""
    labels = []
    for i, system in enumerate(c.systems):
        row = by_key.get((system, metric))
        if row is None:
            labels.append(system)
            continue
        y, color = -i, _system_color(i)
        if row.get("ci") is not None and row.get("mean") is not None:
            ax.errorbar(row["mean"], y, xerr=row["ci"], fmt="none", ecolor=color, elinewidth=2, capsize=3)
        ax.plot(row["score"], y, "o", color=color, markersize=5)
        p_value = row.get("p_value")
        marked = i > 0 and p_value is not None and p_value < SIGNIFICANCE_LEVEL
        labels.append(f"{system} *" if marked else system)
        if i == 0:
            ax.axvline(row["score"], color=color, linestyle="--", linewidth=0.8)
    ax.set_yticks([-i for i in range(len(c.systems))], labels)
    ax.set_ylim(-len(c.systems) + 0.5, 0.5)
    ax.set_title(metric)
    ax.grid(axis="x", alpha=0.3)
    ax.margins(x=0.25)


def _metric_figure(c: Any, metric: str, figure_class: type) -> Any:
    """Distribution of per-pair scores, then one scatter per system against the baseline."""
    n_panels = len(c.systems)
    rows, cols = _grid(n_panels)
    fig = figure_class(figsize=(4.3 * cols, 3.9 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    scores = c.sentence_scores[metric]
    _draw_distribution(axes[0], c.systems, scores, metric)
    base = c.systems[0]
    for ax, system in zip(axes[1:], c.systems[1:]):
        _draw_scatter(ax, scores[base], scores[system], base, system, metric, _improvement_sign(c, metric))
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig


def _upper(metric: str, arrays: Sequence[np.ndarray]) -> float:
    """Upper axis limit: the metric's scale, or the data's maximum when it exceeds it."""
    finite = [a[np.isfinite(a)] for a in arrays]
    top = max((float(a.max()) for a in finite if a.size), default=0.0)
    return max(_scale(metric), top)


def _draw_distribution(ax: Any, systems: Sequence[str], scores: dict, metric: str) -> None:
    """Overlaid step histograms (share of pairs per bin) with each system's mean as a dashed line."""
    arrays = [np.asarray(scores[s], dtype=np.float64) for s in systems]
    bins = np.linspace(0.0, _upper(metric, arrays), 26)
    for i, (system, values) in enumerate(zip(systems, arrays)):
        values = values[np.isfinite(values)]
        if not values.size:
            continue
        color, mean = _system_color(i), float(values.mean())
        weights = np.full(values.size, 1.0 / values.size)
        ax.hist(values, bins=bins, weights=weights, histtype="stepfilled", color=color, alpha=0.08)
        ax.hist(values, bins=bins, weights=weights, histtype="step", color=color, linewidth=1.4,
                label=f"{system} (mean of pairs {format_value(metric, mean)})")
        ax.axvline(mean, color=color, linestyle="--", linewidth=1)
    ax.set_xlim(bins[0], bins[-1])
    ax.set_ylim(0, None)
    ax.set_xlabel(f"per-pair {metric}")
    ax.set_ylabel("share of pairs")
    ax.set_title(f"Distribution of per-pair {metric}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=1, frameon=False)


def _improvement_sign(c: Any, metric: str) -> int:
    """+1 where a higher score is better, -1 for error rates (TER)."""
    return -1 if metric in getattr(c, "lower_is_better", ()) else 1


def _draw_scatter(ax: Any, base: np.ndarray, other: np.ndarray, base_name: str, name: str,
                  metric: str, sign: int = 1) -> None:
    """Per-pair scatter of ``name`` (y) against the baseline (x), coloured by which is better
    (``sign`` -1: the lower score is)."""
    base, other = np.asarray(base, dtype=np.float64), np.asarray(other, dtype=np.float64)
    keep = np.isfinite(base) & np.isfinite(other)
    base, other = base[keep], other[keep]
    diff = sign * (other - base)
    groups = ((diff > 0, _BETTER, f"{name} better"), (diff < 0, _WORSE, f"{base_name} better"),
              (diff == 0, _TIE, "equal"))
    shown = _subsample(base.size)
    alpha = float(np.clip(40.0 / math.sqrt(max(shown.size, 1)), 0.08, 0.7))
    size = 10 if shown.size <= 2_000 else 4
    for mask, color, label in groups:
        picked = shown[mask[shown]]
        ax.scatter(base[picked], other[picked], s=size, c=color, alpha=alpha, linewidths=0,
                   rasterized=shown.size > RASTERIZE_ABOVE, label=f"{label} ({int(mask.sum()):,})")
    top = _upper(metric, [base, other])
    ax.plot([0, top], [0, top], color="#444444", linewidth=0.8, linestyle="--")
    pad = 0.02 * top
    ax.set_xlim(-pad, top + pad)
    ax.set_ylim(-pad, top + pad)
    ax.set_aspect("equal")
    ax.set_xlabel(f"{base_name} {metric}")
    ax.set_ylabel(f"{name} {metric}")
    title = f"{name} vs {base_name}"
    if shown.size < base.size:
        title += f"\n(random {shown.size:,} of {base.size:,} pairs shown)"
    ax.set_title(title)
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False,
                       markerscale=2.5 if size < 10 else 1.5)
    for handle in legend.legend_handles:
        handle.set_alpha(1.0)


def _subsample(n: int) -> np.ndarray:
    """Indices of the points drawn: all up to MAX_SCATTER_POINTS, else a fixed random subset."""
    if n <= MAX_SCATTER_POINTS:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, MAX_SCATTER_POINTS, replace=False))


def _examples_html(c: Any, max_examples: int, metrics: list[str]) -> str:
    """Per chosen metric and non-baseline system, the pairs where it wins and loses most."""
    if len(c.systems) < 2 or not metrics or max_examples <= 0:
        return ""
    parts = []
    for metric in metrics:
        parts.append(_metric_examples_html(c, metric, max_examples))
    return "".join(parts)


def _metric_examples_html(c: Any, metric: str, max_examples: int) -> str:
    base = _baseline(c)
    scores = c.sentence_scores[metric]
    parts = [f"<h2>Pairs that differ most ({_esc(metric)})</h2>\n",
             "<p class=\"nk-note\">Pair numbers count from 0 (line index of the input).</p>\n"]
    for system in c.systems[1:]:
        diff = _improvement_sign(c, metric) * (np.asarray(scores[system], dtype=np.float64)
                                               - np.asarray(scores[base], dtype=np.float64))
        wins, losses = _top_pairs(diff, max_examples)
        for title, picked in ((f"Where {system} beats {base} most", wins),
                              (f"Where {system} loses to {base} most", losses)):
            parts.append(f"<h3>{_esc(title)}</h3>\n")
            parts.append(_examples_table(c, metric, system, picked) if picked.size else
                         "<p class=\"nk-note\">No such pair.</p>\n")
    return "".join(parts)


def _top_pairs(diff: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the ``k`` largest positive and ``k`` most negative differences (ties by index)."""
    order_up = np.argsort(-np.where(np.isfinite(diff), diff, 0.0), kind="stable")
    order_down = np.argsort(np.where(np.isfinite(diff), diff, 0.0), kind="stable")
    wins = order_up[diff[order_up] > 0][:k]
    losses = order_down[diff[order_down] < 0][:k]
    return wins, losses


def _examples_table(c: Any, metric: str, system: str, indices: np.ndarray) -> str:
    """Rows of chosen pairs: scores, difference and (when there are texts) both hypotheses and references."""
    base = _baseline(c)
    scores = c.sentence_scores[metric]
    hypotheses, references = getattr(c, "hypotheses", None), getattr(c, "references", None)
    head = ["Pair", f"{base} {metric}", f"{system} {metric}", "Δ"]
    if hypotheses is not None:
        head += [f"{base} (baseline)", system]
    if references is not None:
        head.append("Reference(s)")
    rows = []
    for i in (int(j) for j in indices):
        b, s = float(scores[base][i]), float(scores[system][i])
        cells = [f"<td class=\"num\">{i}</td>", f"<td class=\"num\">{format_value(metric, b)}</td>",
                 f"<td class=\"num\">{format_value(metric, s)}</td>",
                 f"<td class=\"num\">{format_value(metric, s - b, field='delta')}</td>"]
        if hypotheses is not None:
            cells += [_text_cell(hypotheses[base][i]), _text_cell(hypotheses[system][i])]
        if references is not None:
            cells.append(_references_cell(references[i]))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    header = "".join(f"<th>{_esc(h)}</th>" for h in head)
    return (f"<table class=\"nk-examples\"><thead><tr>{header}</tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody></table>\n")


def _preview_end(text: str) -> int:
    """Where the shown beginning of ``text`` ends: MAX_TEXT_CHARS characters or MAX_TEXT_LINES
    lines, whichever comes first (``len(text)`` when the whole text fits)."""
    end = min(len(text), MAX_TEXT_CHARS)
    newline = -1
    for _ in range(MAX_TEXT_LINES):
        newline = text.find("\n", newline + 1, end)
        if newline < 0:
            return end
    return newline


def _clipped(text: Any) -> str:
    """Escaped HTML of a text: whole when short, else its beginning and a ``<details>`` that
    opens on the full text (itself cut at MAX_FULL_TEXT_CHARS, saying how much is left out)."""
    text = str(text)
    end = _preview_end(text)
    if end >= len(text):
        return _esc(text)
    full = text if len(text) <= MAX_FULL_TEXT_CHARS else (
        f"{text[:MAX_FULL_TEXT_CHARS]} … [{len(text) - MAX_FULL_TEXT_CHARS:,} more characters not shown]")
    more = f"{len(text):,} characters, {text.count(chr(10)) + 1:,} lines: show all"
    return (f"<details class=\"nk-clip\"><summary><span class=\"nk-preview\">{_esc(text[:end])} … </span>"
            f"<span class=\"nk-more\">[{_esc(more)}]</span></summary>{_esc(full)}</details>")


def _text_cell(text: Any) -> str:
    return f"<td class=\"nk-text\">{_clipped(text)}</td>"


def _references_cell(refs: Any) -> str:
    """One reference as text, several as a numbered list."""
    refs = [refs] if isinstance(refs, str) else list(refs)
    if len(refs) == 1:
        return _text_cell(refs[0])
    items = "".join(f"<li>{_clipped(r)}</li>" for r in refs)
    return f"<td class=\"nk-text\"><ol>{items}</ol></td>"
