"""The HTML report of a comparison: valid, self-contained, holds the table's numbers, escapes texts,
works without matplotlib and without texts (token ids), and is the same file every time."""
from __future__ import annotations

import html
import math
import re
import sys
import types
from html.parser import HTMLParser

import numpy as np
import pytest

from ngramkit.comparison.html_report import (MAX_SCATTER_POINTS, _plotted_metrics, _subsample, _top_pairs,
    format_value, html_fragment, render_html, write_report)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
EVIL = '<script>alert("x")</script> & <b>bold</b>'
SVG_LIMIT = 2_000_000

try:
    import matplotlib  # noqa: F401
    HAVE_MPL = True
except ImportError:
    HAVE_MPL = False
needs_mpl = pytest.mark.skipif(not HAVE_MPL, reason="matplotlib not installed")


class Page(HTMLParser):
    """Checks that tags balance and collects tags, attributes and the cells of the score table."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags, self.attrs = [], [], [], []
        self.score_rows, self._in_scores, self._cell = [], False, None
        self.feed(text)
        self.close()
        self.score_rows = [row for row in self.score_rows if row]
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag == "table" and ("class", "nk-scores") in attrs:
            self._in_scores = True
        elif self._in_scores and tag == "tr":
            self.score_rows.append([])
        elif self._in_scores and tag == "td":
            self._cell = ""
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if self._in_scores and tag == "td":
            self.score_rows[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "table":
            self._in_scores = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def fake_comparison(n: int = 40, *, texts: bool = True, test: str = "bs", metrics=("rouge1", "BLEU"),
                    systems=("base", "tuned"), seed: int = 0):
    """A comparison object following the data contract of ``ngramkit.compare``'s result."""
    rng = np.random.default_rng(seed)
    scores = {}
    for metric in metrics:
        scale = 1.0 if metric.startswith("rouge") else 100.0
        base = rng.random(n) * scale * 0.8
        scores[metric] = {s: np.clip(base + (0.1 * k * scale) * (rng.random(n) - 0.3), 0, scale)
                          for k, s in enumerate(systems)}
    table = []
    for k, system in enumerate(systems):
        for j, metric in enumerate(metrics):
            score = float(scores[metric][system].mean())
            p = math.nan if k == 0 else (0.001 if j == 0 else 0.3)
            table.append({"system": system, "metric": metric, "score": score, "p_value": p,
                          "mean": score + 1e-3 if test == "bs" else None, "ci": 0.0123 * (k + 1) if test == "bs" else None,
                          "delta": score - float(scores[metric][systems[0]].mean())})
    hypotheses = references = None
    if texts:
        hypotheses = {s: [f"{s} summary {i}" for i in range(n)] for s in systems}
        top = int(np.argmax(scores[metrics[0]][systems[1]] - scores[metrics[0]][systems[0]]))
        hypotheses[systems[1]][top] = EVIL
        references = [[f"reference {i} a", f"reference {i} b & c"] for i in range(n)]
    return types.SimpleNamespace(
        systems=list(systems), metrics=list(metrics), test=test, n_samples=1000 if test == "bs" else 10000,
        seed=12345, table=table, sentence_scores=scores, hypotheses=hypotheses, references=references,
        signatures={m: f"nrefs:2|metric:{m}|version:test" for m in metrics}, n_pairs=n,
        format=lambda: "plain <table>")


@pytest.fixture
def no_matplotlib(monkeypatch):
    """Make ``import matplotlib`` fail as if it were not installed."""
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


@pytest.fixture(scope="module")
def fake():
    return fake_comparison()


@pytest.fixture(scope="module")
def report(fake):
    return render_html(fake)


def check_self_contained(text: str, page: Page) -> None:
    """Nothing is loaded: no scripts, links or frames, no remote src/href/url()."""
    assert not page.errors, page.errors[:5]
    assert not {"script", "link", "iframe", "object", "embed", "img"} & set(page.tags)
    for name, value in page.attrs:
        if name in ("src", "href", "xlink:href", "action", "data"):
            assert value is None or value.startswith(("#", "data:")), (name, value)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text)
    assert "@import" not in text


def expected_score_rows(c) -> list[list[str]]:
    """The score table's cells as the report should show them."""
    rows, previous = [], None
    for row in c.table:
        m, base = row["metric"], row["system"] == c.systems[0]
        interval = "" if row["ci"] is None else \
            f"{format_value(m, row['mean'], field='mean')} ± {format_value(m, row['ci'], field='ci')}"
        cells = [row["system"] if row["system"] != previous else "", m, format_value(m, row["score"])]
        cells += [interval] if c.test == "bs" else []
        cells += ["—" if base else format_value(m, row["delta"], field="delta"),
                  "—" if base else format_value(m, row["p_value"], field="p_value"),
                  "*" if not base and row["p_value"] < 0.05 else ""]
        rows.append(cells)
        previous = row["system"]
    return rows


def test_format_value():
    assert format_value("rouge1", 0.123456) == "0.1235"
    assert format_value("rougeLsum", 1.0) == "1.0000"
    assert format_value("BLEU", 27.9456) == "27.95"
    assert format_value("chrF2", 43.8) == "43.80"
    assert format_value("BLEU", 0.04321, field="p_value") == "0.0432"
    assert format_value("rouge2", -0.01234, field="delta") == "-0.0123"
    assert format_value("BLEU", 12.5, field="delta") == "+12.50"
    assert format_value("BLEU", 1.5, field="ci") == "1.50"
    assert format_value("rouge1", math.nan, field="p_value") == ""
    assert format_value("rouge1", None) == ""
    assert format_value("rouge1", np.float64(0.5)) == "0.5000"


def test_report_is_valid_self_contained_html(report):
    page = Page(report)
    check_self_contained(report, page)
    assert report.startswith("<!DOCTYPE html>")
    assert page.tags[:3] == ["html", "head", "meta"]
    assert page.tags.count("html") == page.tags.count("body") == 1


def test_report_holds_the_table(fake, report):
    page = Page(report)
    assert page.score_rows == expected_score_rows(fake)
    assert "0.0010" in report and "*" in [r[-1] for r in page.score_rows]
    for signature in fake.signatures.values():
        assert html.escape(signature) in report
    assert "plain &lt;table&gt;" in report


def test_texts_are_escaped(fake, report):
    assert "<script" not in report and "<b>bold" not in report
    assert html.escape(EVIL) in report
    assert "reference 3 b &amp; c" in report


@needs_mpl
def test_figures_are_inline_svg_with_unique_ids(fake, report):
    assert report.count("<svg") == 1 + len(fake.metrics)
    assert "<?xml" not in report and "<!DOCTYPE svg" not in report
    ids = re.findall(r'\bid="([^"]+)"', report)
    assert ids and len(ids) == len(set(ids))
    for ref in set(re.findall(r'href="#([^"]+)"', report)) | set(re.findall(r"url\(#([^)]+)\)", report)):
        assert ref in ids
    assert "pip install" not in report


@needs_mpl
def test_report_is_deterministic(fake, report):
    import matplotlib

    salt = matplotlib.rcParams["svg.hashsalt"]
    assert render_html(fake) == report
    assert matplotlib.rcParams["svg.hashsalt"] == salt


def test_without_matplotlib(no_matplotlib):
    c = fake_comparison()
    text = render_html(c)
    page = Page(text)
    check_self_contained(text, page)
    assert "<svg" not in text
    assert "pip install &#x27;ngramkit[plot]&#x27;" in text
    assert page.score_rows == expected_score_rows(c)
    assert html.escape(EVIL) in text


def test_token_ids_show_indices_and_scores_only(no_matplotlib):
    c = fake_comparison(texts=False, test="ar")
    text = render_html(c, max_examples=5)
    page = Page(text)
    check_self_contained(text, page)
    assert page.score_rows == expected_score_rows(c)
    assert "95% CI" not in text and "Reference(s)" not in text and "base summary" not in text
    assert text.count("<table class=\"nk-examples\">") == 2 * len(c.metrics)  # by default every metric
    assert "approximate randomization" in text


def test_examples_are_the_largest_differences(no_matplotlib):
    c = fake_comparison(n=60)
    diff = c.sentence_scores["rouge1"]["tuned"] - c.sentence_scores["rouge1"]["base"]
    wins, losses = _top_pairs(diff, 4)
    assert list(wins) == list(np.argsort(-diff, kind="stable")[:4])
    assert list(losses) == list(np.argsort(diff, kind="stable")[:4])
    text = render_html(c, max_examples=4)
    wins_part, losses_part = text.split("Where tuned beats base most")[1].split("Where tuned loses to base most")
    assert [int(i) for i in re.findall(r'<tr><td class="num">(\d+)</td>', wins_part)] == list(wins)
    assert [int(i) for i in re.findall(r'<tr><td class="num">(\d+)</td>', losses_part)] == list(losses)
    assert format_value("rouge1", diff[wins[0]], field="delta") in wins_part


def test_no_wins_says_so():
    diff = np.array([-0.2, 0.0, -0.1, np.nan])
    wins, losses = _top_pairs(diff, 20)
    assert wins.size == 0 and list(losses) == [0, 2]


def test_fragment_and_file(no_matplotlib, tmp_path):
    c = fake_comparison(systems=("базовая", "tuned"))
    fragment = html_fragment(c)
    page = Page(fragment)
    assert not page.errors
    assert "<html" not in fragment and "<head" not in fragment and "<!DOCTYPE" not in fragment
    assert page.score_rows == expected_score_rows(c)
    path = tmp_path / "report.html"
    write_report(c, path)
    assert path.read_text(encoding="utf-8") == render_html(c)


def test_subsample_is_fixed():
    n = MAX_SCATTER_POINTS + 1234
    picked = _subsample(n)
    assert picked.size == MAX_SCATTER_POINTS and np.all(np.diff(picked) > 0)
    assert np.array_equal(picked, _subsample(n))
    assert np.array_equal(_subsample(10), np.arange(10))


@needs_mpl
def test_many_pairs_keep_the_figures_small():
    c = fake_comparison(n=MAX_SCATTER_POINTS + 5000, texts=False, metrics=("rouge1",))
    text = render_html(c, max_examples=3)
    svgs = re.findall(r"<svg.*?</svg>", text, flags=re.DOTALL)
    assert len(svgs) == 2 and sum(map(len, svgs)) < SVG_LIMIT
    assert f"random {MAX_SCATTER_POINTS:,} of {c.n_pairs:,} pairs shown" in text


def test_compare_end_to_end(dialogsum, no_matplotlib):
    """ngramkit.compare's result on DialogSum: the table, the texts of the largest win, and per-pair
    scores of every system for every metric (what the figures draw; drawing is tested above)."""
    compare = pytest.importorskip("ngramkit.comparison.compare").compare
    hyp, refs = dialogsum
    n = 300
    systems = {"bart": hyp[:n], "human": refs[2][:n]}
    references = [[a, b] for a, b in zip(refs[0][:n], refs[1][:n])]
    c = compare(systems, references, n_samples=200)
    text = render_html(c, max_examples=5)
    page = Page(text)
    check_self_contained(text, page)
    assert page.score_rows == expected_score_rows(c)
    assert _plotted_metrics(c) == c.metrics
    per_pair = c.sentence_scores[c.metrics[0]]
    top = int(np.argmax(per_pair["human"] - per_pair["bart"]))
    assert html.escape(hyp[top]) in text and html.escape(refs[2][top]) in text
    assert html_fragment(c) == c._repr_html_()


def _example_sections(text: str) -> list[str]:
    return re.findall(r"<h2>Pairs that differ most \((.*?)\)</h2>", text)


def test_example_metrics_are_chosen(no_matplotlib, tmp_path):
    c = fake_comparison(metrics=("rouge1", "rouge2", "BLEU", "chrF2"))
    assert _example_sections(render_html(c)) == ["rouge1", "rouge2", "BLEU", "chrF2"]
    assert _example_sections(render_html(c, example_metrics=["BLEU"])) == ["BLEU"]
    assert _example_sections(render_html(c, example_metrics="chrf2, rouge1")) == ["rouge1", "chrF2"]
    assert _example_sections(render_html(c, example_metrics="rouge")) == ["rouge1", "rouge2"]
    assert _example_sections(render_html(c, example_metrics="chrf")) == ["chrF2"]
    # the BLEU tables rank by BLEU, not by the first metric
    diff = c.sentence_scores["BLEU"]["tuned"] - c.sentence_scores["BLEU"]["base"]
    wins, _ = _top_pairs(diff, 3)
    part = render_html(c, max_examples=3, example_metrics="BLEU").split("Where tuned beats base most")[1]
    assert [int(i) for i in re.findall(r'<tr><td class="num">(\d+)</td>', part)][:3] == list(wins)
    for bad, error in (("TER", ValueError), ("", ValueError), (5, TypeError), ([b"BLEU"], TypeError)):
        with pytest.raises(error, match="example_metrics"):
            render_html(c, example_metrics=bad)
    with pytest.raises(ValueError, match="max_examples"):
        render_html(c, max_examples=-1)
    assert _example_sections(render_html(c, max_examples=0)) == []


def test_long_texts_are_clipped_with_the_full_text_a_click_away(no_matplotlib):
    from ngramkit.comparison.html_report import MAX_TEXT_CHARS, MAX_TEXT_LINES

    c = fake_comparison(n=6, metrics=("rouge1",))
    top = int(np.argmax(c.sentence_scores["rouge1"]["tuned"] - c.sentence_scores["rouge1"]["base"]))
    degenerate = "<b>x</b> & " * 2000                    # one long line
    many_lines = "\n".join(f"line {k} <i>" for k in range(500))  # short, but hundreds of lines
    c.hypotheses["tuned"][top] = degenerate
    c.hypotheses["base"][top] = many_lines
    c.references[top] = ["short & sweet", degenerate]
    text = render_html(c, max_examples=6)
    page = Page(text)
    check_self_contained(text, page)
    assert "<b>x" not in text and "<i>" not in text
    details = re.findall(r'<details class="nk-clip"><summary><span class="nk-preview">(.*?) … </span>'
                         r'<span class="nk-more">\[(.*?)\]</span></summary>(.*?)</details>', text, flags=re.DOTALL)
    full_texts = [html.unescape(full) for _, _, full in details]
    assert full_texts.count(degenerate) == 2 and full_texts.count(many_lines) == 1
    for preview, more, full in details:
        shown = html.unescape(preview)
        assert html.unescape(full).startswith(shown)
        assert len(shown) <= MAX_TEXT_CHARS and shown.count("\n") < MAX_TEXT_LINES
    assert html.escape("short & sweet") in text and "short &amp; sweet</details>" not in text
    assert f"{len(degenerate):,} characters" in text


def test_cli_report_metrics(tmp_path, capsys):
    from ngramkit.cli.main import main as cli_main

    ref, a, b = tmp_path / "r.txt", tmp_path / "a.txt", tmp_path / "b.txt"
    ref.write_text("the cat sat on the mat\na dog barked\nit rained\n", encoding="utf-8")
    a.write_text("a cat sat on a mat\nthe dog barked\nrain\n", encoding="utf-8")
    b.write_text("the cat sat on the mat\na dog barked loudly\nit rained all day\n", encoding="utf-8")
    report = tmp_path / "report.html"
    base = ["compare", "--ref", str(ref), "--n-samples", "20", "--metrics", "rouge,bleu,chrf", str(a), str(b)]
    assert cli_main([*base, "--report", str(report), "--report-metrics", "BLEU,chrF2"]) == 0
    assert _example_sections(report.read_text(encoding="utf-8")) == ["BLEU", "chrF2"]
    assert cli_main([*base, "--report", str(report)]) == 0
    assert _example_sections(report.read_text(encoding="utf-8")) == ["rouge1", "rouge2", "rougeL", "BLEU", "chrF2"]
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        cli_main([*base, "--report", str(tmp_path / "x.html"), "--report-metrics", "TER"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--report-metrics: no metric 'TER'" in err and "BLEU" in err
    assert not (tmp_path / "x.html").exists()
    with pytest.raises(SystemExit) as exc:
        cli_main([*base, "--report-metrics", "BLEU"])
    assert exc.value.code == 2 and "needs --report" in capsys.readouterr().err
