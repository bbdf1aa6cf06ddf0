"""What a new user tripped on (issue 18, item 14): help text that disagrees with behaviour, labels
unlike sacrebleu's, table helpers that refuse several reference columns, missing drop-in names.
Expected values come from the reference packages (rouge-score, sacrebleu, nltk, evaluate's
metric scripts as they compute), never from ngramkit's own output."""
from __future__ import annotations

import json

import pytest
import sacrebleu
from rouge_score import rouge_scorer

from ngramkit.cli.main import main as cli_main

HYPS = ["the cat sat on the mat", "hello world", "a b c d e f"]
REFS = ["the cat was sitting on the mat", "hello there world", "a b c x e f"]


@pytest.fixture
def files(tmp_path):
    hyp, ref = tmp_path / "h.txt", tmp_path / "r.txt"
    hyp.write_text("\n".join(HYPS) + "\n", encoding="utf-8")
    ref.write_text("\n".join(REFS) + "\n", encoding="utf-8")
    return str(hyp), str(ref)


# --- ngramkit demo: the help names what the demo scores ---------------------------------------

def test_demo_help_names_the_types_the_demo_prints(capsys):
    from ngramkit.cli.rouge import DEMO_ROUGE_TYPES

    with pytest.raises(SystemExit):
        cli_main(["demo", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {','.join(DEMO_ROUGE_TYPES)})" in help_text
    assert cli_main(["demo"]) == 0
    printed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert printed == list(DEMO_ROUGE_TYPES) == ["rouge1", "rouge2", "rougeL", "rougeLsum"]


def test_demo_explicit_types_are_taken_as_given(capsys):
    assert cli_main(["demo", "--rouge-types", "rouge1,rouge2,rougeL"]) == 0
    printed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert printed == ["rouge1", "rouge2", "rougeL"]


# --- CLI metric labels are sacrebleu's ----------------------------------------------------------

@pytest.mark.parametrize("beta, word_order", [("1", 0), ("2", 0), ("3", 2), ("0.5", 1)])
def test_cli_chrf_label_is_sacrebleus(files, capsys, beta, word_order):
    hyp, ref = files
    number = float(beta) if "." in beta else int(beta)
    expected = sacrebleu.CHRF(beta=number, word_order=word_order).corpus_score(HYPS, [REFS])
    argv = ["score", "--metrics", "chrf", "--beta", beta, "--word-order", str(word_order), "--hyp", hyp, "--ref", ref]
    assert cli_main(argv) == 0
    table = capsys.readouterr().out
    assert f"{expected.name} = {expected.score:.2f}" in table
    assert cli_main([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["chrf"]["name"] == expected.name
    assert cli_main([*argv, "--bootstrap", "20"]) == 0
    assert f"  {expected.name} " in capsys.readouterr().out.split("bootstrap:")[1]


def test_cli_compare_chrf_label_is_sacrebleus(files, tmp_path, capsys):
    hyp, ref = files
    other = tmp_path / "h2.txt"
    other.write_text("\n".join(REFS) + "\n", encoding="utf-8")
    expected = sacrebleu.CHRF(beta=1, word_order=2).corpus_score(HYPS, [REFS]).name
    assert expected == "chrF1++"
    assert cli_main(["compare", "--ref", ref, "--metrics", "chrf", "--beta", "1", "--word-order", "2",
                     "--n-samples", "20", hyp, str(other)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert expected in lines and any(line.startswith(f"{expected}: nrefs:1") for line in lines)


def test_cli_bleu_and_ter_labels_are_sacrebleus(files, capsys):
    hyp, ref = files
    bleu = sacrebleu.BLEU().corpus_score(HYPS, [REFS])
    ter = sacrebleu.TER().corpus_score(HYPS, [REFS])
    assert cli_main(["score", "--metrics", "bleu,ter", "--hyp", hyp, "--ref", ref]) == 0
    table = capsys.readouterr().out
    assert f"{bleu.name} = {bleu.score:.2f} {bleu._verbose}" in table
    assert f"{ter.name} = {ter.score:.2f}" in table


def test_cli_beta_rejects_non_numbers(files, capsys):
    hyp, ref = files
    with pytest.raises(SystemExit) as exc:
        cli_main(["score", "--metrics", "chrf", "--beta", "two", "--hyp", hyp, "--ref", ref])
    assert exc.value.code == 2 and "--beta" in capsys.readouterr().err


# --- several reference columns in the table helpers ---------------------------------------------

def _dialogsum_slice(dialogsum, n=40):
    hyp, refs = dialogsum
    return hyp[:n], [r[:n] for r in refs]


def _expected_columns(hyps, ref_columns):
    """Per-pair rouge-score score_multi F1 and sacrebleu sentence BLEU / chrF / TER of every row
    against all its references."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"])
    groups = [list(g) for g in zip(*ref_columns)]
    rouge = [scorer.score_multi(g, h) for h, g in zip(hyps, groups)]
    bleu = sacrebleu.BLEU(effective_order=True)
    chrf, ter = sacrebleu.CHRF(), sacrebleu.TER()
    return {
        "rouge1_fmeasure": [s["rouge1"].fmeasure for s in rouge],
        "rougeL_fmeasure": [s["rougeL"].fmeasure for s in rouge],
        "bleu": [bleu.sentence_score(h, g).score for h, g in zip(hyps, groups)],
        "chrf": [chrf.sentence_score(h, g).score for h, g in zip(hyps, groups)],
        "ter": [ter.sentence_score(h, g).score for h, g in zip(hyps, groups)],
    }, groups


def _assert_columns(got, expected):
    for name, values in expected.items():
        assert list(got[name]) == pytest.approx(values, abs=1e-12), name


METRICS = ("rouge", "bleu", "chrf", "ter")


def test_dataset_scorer_several_reference_columns(dialogsum):
    hyps, (r1, r2, r3) = _dialogsum_slice(dialogsum)
    expected, groups = _expected_columns(hyps, [r2, r3])
    scorer = __import__("ngramkit").dataset_scorer(METRICS, ref_col=["summary2", "summary3"])
    got = scorer({"prediction": hyps, "summary2": r2, "summary3": r3})
    _assert_columns(got, expected)
    # a cell holding a list of references adds all of them, in column order
    got = __import__("ngramkit").dataset_scorer(METRICS, ref_col=["a", "b"])(
        {"prediction": hyps, "a": [[x] for x in r2], "b": r3})
    _assert_columns(got, expected)


def test_score_table_several_reference_columns(dialogsum):
    import ngramkit

    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    hyps, (r1, r2, r3) = _dialogsum_slice(dialogsum)
    expected, groups = _expected_columns(hyps, [r1, r2, r3])
    data = {"prediction": hyps, "s1": r1, "s2": r2, "s3": r3}
    for table in (pa.table(data), pd.DataFrame(data)):
        scores, results = ngramkit.score_table(table, METRICS, ref_col=["s1", "s2", "s3"])
        got = {c: list(scores[c]) if hasattr(scores, "index") else scores.column(c).to_pylist() for c in expected}
        _assert_columns(got, expected)
        assert results["bleu"].score == pytest.approx(
            sacrebleu.BLEU().corpus_score(hyps, [r1, r2, r3]).score, abs=1e-12)
        assert results["chrf"].score == pytest.approx(
            sacrebleu.CHRF().corpus_score(hyps, [r1, r2, r3]).score, abs=1e-12)
    pl = pytest.importorskip("polars")
    scores, _ = ngramkit.score_table(pl.DataFrame(data), METRICS, ref_col=["s1", "s2", "s3"])
    _assert_columns({c: scores[c].to_list() for c in expected}, expected)


@pytest.mark.parametrize("call", ["score_table", "dataset_scorer"])
def test_several_reference_columns_refused_where_unsupported(call):
    import ngramkit

    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"prediction": ["a b"], "s1": ["a"], "s2": ["b"]})

    def run(metrics, ref_col):
        if call == "score_table":
            return ngramkit.score_table(frame, metrics, ref_col=ref_col).scores
        return ngramkit.dataset_scorer(metrics, ref_col=ref_col)(frame.to_dict("list"))

    for metric in ("wer", "cer"):
        with pytest.raises(ValueError, match=f"ref_col: {metric} take exactly one reference"):
            run(("rouge", metric), ["s1", "s2"])
    for bad, error in (([], TypeError), ([1], TypeError), ({"s1"}, TypeError), (["s1", "s1"], ValueError)):
        with pytest.raises(error, match="ref_col"):
            run("rouge", bad)
    with pytest.raises(KeyError, match="'s9'"):
        run("rouge", ["s1", "s9"])
    assert list(run("wer", ["s1"])["wer"]) == [pytest.approx(1.0)]  # one name in a list is one column


def test_dask_several_reference_columns(dialogsum):
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    import dask
    import ngramkit.dask

    hyps, (r1, r2, r3) = _dialogsum_slice(dialogsum, 12)
    expected, groups = _expected_columns(hyps, [r2, r3])
    frame = dd.from_pandas(pd.DataFrame({"prediction": hyps, "s2": r2, "s3": r3}), npartitions=3)
    with dask.config.set(scheduler="synchronous"):
        per_pair, corpus = ngramkit.dask.score(frame, METRICS, ref_col=["s2", "s3"])
        _assert_columns(per_pair.compute(), expected)
        assert corpus["bleu"]["score"] == pytest.approx(
            sacrebleu.BLEU().corpus_score(hyps, [r2, r3]).score, abs=1e-12)
        bag = __import__("dask.bag", fromlist=["bag"]).from_sequence(
            [{"prediction": h, "s2": a, "s3": b} for h, a, b in zip(hyps, r2, r3)], npartitions=2)
        per_pair, corpus = ngramkit.dask.score(bag, METRICS, ref_col=["s2", "s3"])
        _assert_columns(per_pair.compute(), expected)
    with pytest.raises(ValueError, match="ref_col"):
        ngramkit.dask.score(frame, ("bleu", "wer"), ref_col=["s2", "s3"])


# --- compare: which test has which columns -----------------------------------------------------

def test_compare_columns_by_test_as_documented_and_as_sacrebleu():
    pytest.importorskip("pandas")
    import ngramkit
    from sacrebleu.significance import PairedTest

    systems = {"base": HYPS, "other": REFS[:2] + ["a b c d e g"]}
    refs = [REFS]
    bleu = sacrebleu.BLEU()
    named = list(systems.items())
    _, ar = PairedTest(named, {"BLEU": bleu}, refs, test_type="ar", n_samples=50)()
    _, bs = PairedTest(named, {"BLEU": bleu}, refs, test_type="bs", n_samples=50)()
    assert all(r.mean is None and r.ci is None for r in ar["BLEU"])
    assert all(r.mean is not None and r.ci is not None for r in bs["BLEU"])
    documented = {"bs": ["system", "metric", "score", "delta", "p_value", "mean", "ci"],
                  "ar": ["system", "metric", "score", "delta", "p_value"]}
    for test, sacre in (("ar", ar), ("bs", bs)):
        result = ngramkit.compare(systems, REFS, metrics="bleu", test=test, n_samples=50)
        assert list(result.to_pandas().columns) == documented[test]
        for name, expected in zip(systems, sacre["BLEU"]):
            row = result.row(name, "BLEU")
            if test == "ar":
                assert row["mean"] is None and row["ci"] is None
            else:
                assert (row["mean"], row["ci"]) == pytest.approx((expected.mean, expected.ci), abs=1e-9)
        for where in (ngramkit.Comparison.to_pandas.__doc__, ngramkit.compare.__doc__):
            assert ", ".join(documented[test]) in " ".join(where.split())
    page = __import__("pathlib").Path(__file__).parents[1] / "docs" / "comparing.md"
    if not page.is_file():
        pytest.skip("docs/ is not in this tree")
    text = " ".join(page.read_text(encoding="utf-8").split())
    for test, columns in documented.items():
        assert f'`test="{test}"`: `{", ".join(columns)}`' in text


# --- the sacrebleu drop-in: __version__, tokenizers and the metric objects' attributes ----------

def _segments(wmt23, n=150):
    texts = []
    for ref, systems in wmt23.values():
        texts += ref[:n] + next(iter(systems.values()))[:n]
    return texts + ["", " ", "  Hello,  World. \t", "a\u00a0b\u3000c", "<skipped> x&amp;y", "Ünïcödé — “quotes” 1,000.5"]


def test_sacrebleu_dropin_version_is_the_mirrored_release():
    from ngramkit.compat import sacrebleu as ours

    assert isinstance(ours.__version__, str) and ours.__version__ == sacrebleu.__version__


@pytest.mark.parametrize("tokenize", ["13a", "intl", "char", "zh", "none"])
@pytest.mark.parametrize("lowercase", [False, True])
def test_sacrebleu_dropin_bleu_tokenizer(wmt23, tokenize, lowercase):
    from ngramkit.compat import sacrebleu as ours

    theirs = sacrebleu.BLEU(tokenize=tokenize, lowercase=lowercase)
    mine = ours.BLEU(tokenize=tokenize, lowercase=lowercase)
    assert mine.tokenizer_signature == theirs.tokenizer_signature == theirs.tokenizer.signature() == \
        mine.tokenizer.signature()
    for text in _segments(wmt23):
        assert mine.tokenizer(text) == theirs.tokenizer(text), repr(text)
    with pytest.raises(TypeError, match="line"):
        mine.tokenizer(None)


@pytest.mark.parametrize("options", [{}, {"case_sensitive": True}, {"normalized": True}, {"no_punct": True},
                                     {"normalized": True, "no_punct": True, "asian_support": True}])
def test_sacrebleu_dropin_ter_tokenizer(wmt23, options):
    from ngramkit.compat import sacrebleu as ours

    theirs, mine = sacrebleu.TER(**options), ours.TER(**options)
    assert mine.tokenizer_signature == theirs.tokenizer_signature == "tercom"
    for text in _segments(wmt23, 60):
        assert mine.tokenizer(text) == theirs.tokenizer(text), repr(text)


def test_sacrebleu_dropin_metric_attributes():
    from ngramkit.compat import sacrebleu as ours
    from ngramkit.compat.sacrebleu.metrics import BLEU, CHRF, METRICS, TER  # noqa: F401

    assert sorted(METRICS) == sorted(sacrebleu.metrics.METRICS)
    for name in ("BLEU", "CHRF", "TER", "BLEUScore", "CHRFScore", "TERScore"):
        assert hasattr(ours.metrics, name) and hasattr(sacrebleu.metrics, name)
    assert ours.BLEU.TOKENIZER_DEFAULT == sacrebleu.BLEU.TOKENIZER_DEFAULT
    assert ours.BLEU.SMOOTH_DEFAULTS == sacrebleu.BLEU.SMOOTH_DEFAULTS
    assert set(ours.BLEU.TOKENIZERS) <= set(sacrebleu.BLEU.TOKENIZERS)
    assert (ours.CHRF.CHAR_ORDER, ours.CHRF.WORD_ORDER, ours.CHRF.BETA) == \
        (sacrebleu.CHRF.CHAR_ORDER, sacrebleu.CHRF.WORD_ORDER, sacrebleu.CHRF.BETA)
    pairs = [(ours.BLEU(lowercase=True, max_ngram_order=3, effective_order=True), sacrebleu.BLEU(
              lowercase=True, max_ngram_order=3, effective_order=True)),
             (ours.CHRF(word_order=2, char_order=5), sacrebleu.CHRF(word_order=2, char_order=5)),
             (ours.TER(no_punct=True), sacrebleu.TER(no_punct=True))]
    public = {"BLEU": ["effective_order", "lowercase", "max_ngram_order", "n_bootstrap", "seed", "smooth_method",
                       "smooth_value", "tokenizer_signature", "trg_lang"],
              "CHRF": ["beta", "char_order", "eps_smoothing", "lowercase", "n_bootstrap", "order", "seed",
                       "whitespace", "word_order"],
              "TER": ["asian_support", "case_sensitive", "n_bootstrap", "no_punct", "normalized", "seed",
                      "tokenizer_signature"]}
    for mine, theirs in pairs:
        for attribute in public[type(theirs).__name__]:
            assert getattr(mine, attribute) == getattr(theirs, attribute), attribute
        assert hasattr(mine, "tokenizer") == hasattr(theirs, "tokenizer")
        mine.corpus_score(HYPS, [REFS], n_bootstrap=10)
        theirs.corpus_score(HYPS, [REFS], n_bootstrap=10)
        assert (mine.n_bootstrap, mine.seed) == (theirs.n_bootstrap, theirs.seed)
        assert str(mine.get_signature()).rsplit("|", 1)[0] == str(theirs.get_signature()).rsplit("|", 1)[0]


def test_docs_no_longer_say_n_bootstrap_is_missing():
    root = __import__("pathlib").Path(__file__).parents[1]
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    assert "is not offered yet" not in readme
    if (root / "docs").is_dir():
        pages = " ".join(p.read_text(encoding="utf-8") for p in (root / "docs").rglob("*.md"))
        assert "is not offered yet" not in pages
        assert "`corpus_score(n_bootstrap=N)`" in pages


# --- ngramkit.compat.rouge_score.tokenizers ------------------------------------------------------

ADVERSARIAL = ["", "   ", "!!!", "The RUNNING dogs ran, quickly!", "naïve café 123abc", "a\nb\tc", "ééé ß 東京",
               "generously generalization's", "x" * 300, "it's 3.14 -- don't"]


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_rouge_score_default_tokenizer(dialogsum, use_stemmer):
    from rouge_score import tokenizers as theirs_module

    from ngramkit.compat.rouge_score import tokenizers

    hyp, refs = dialogsum
    theirs, mine = theirs_module.DefaultTokenizer(use_stemmer), tokenizers.DefaultTokenizer(use_stemmer=use_stemmer)
    assert isinstance(mine, tokenizers.Tokenizer)
    for text in hyp[:150] + refs[0][:150] + ADVERSARIAL:
        assert mine.tokenize(text) == theirs.tokenize(text), repr(text)
    with pytest.raises(TypeError, match="text"):
        mine.tokenize(None)
    with pytest.raises(TypeError, match="use_stemmer"):
        tokenizers.DefaultTokenizer(use_stemmer="no")


def test_rouge_score_tokenizer_base_class_and_scorer(dialogsum):
    from rouge_score import tokenizers as theirs_module

    from ngramkit.compat.rouge_score import rouge_scorer as mine_scorer, tokenizers

    with pytest.raises(TypeError):
        tokenizers.Tokenizer()  # abstract, as rouge-score's

    def whitespace_class(base):
        class Whitespace(base):
            def tokenize(self, text):
                return text.lower().split()
        return Whitespace()

    hyp, refs = dialogsum
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    cases = [(tokenizers.DefaultTokenizer(True), theirs_module.DefaultTokenizer(True)),
             (tokenizers.DefaultTokenizer(), theirs_module.DefaultTokenizer()),
             (whitespace_class(tokenizers.Tokenizer), whitespace_class(theirs_module.Tokenizer))]
    for mine_tok, theirs_tok in cases:
        mine = mine_scorer.RougeScorer(types, tokenizer=mine_tok)
        theirs = rouge_scorer.RougeScorer(types, tokenizer=theirs_tok)
        for h, r in zip(hyp[:60], refs[1][:60]):
            assert mine.score(r, h) == theirs.score(r, h)
    # rouge-score ignores use_stemmer when given a tokenizer: the tokenizer's own setting counts
    mine = mine_scorer.RougeScorer(["rouge1"], use_stemmer=True, tokenizer=tokenizers.DefaultTokenizer(False))
    theirs = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True, tokenizer=theirs_module.DefaultTokenizer(False))
    assert mine.score("running dogs", "run dog") == theirs.score("running dogs", "run dog")


# --- ngramkit.compat.evaluate.load ---------------------------------------------------------------

def _evaluate_references():
    """The reference computations of evaluate's scripts (rouge-score, tensorflow/nmt's BLEU over
    evaluate's 13a, sacrebleu, jiwer), as the compat tests replay them."""
    import jiwer
    from test_compat_evaluate import evaluate_reference as evaluate_rouge
    from test_compat_evaluate_bleu import evaluate_bleu, evaluate_chrf, evaluate_sacrebleu
    from test_compat_ter import evaluate_ter

    def evaluate_error_rate(process, rate):
        def compute(predictions, references, concatenate_texts=False):
            if concatenate_texts:
                return getattr(process(references, predictions), rate)
            counts = [process(r, p) for p, r in zip(predictions, references)]
            return sum(m.substitutions + m.deletions + m.insertions for m in counts) / sum(
                m.substitutions + m.deletions + m.hits for m in counts)
        return compute

    return {"rouge": evaluate_rouge, "bleu": evaluate_bleu, "sacrebleu": evaluate_sacrebleu, "chrf": evaluate_chrf,
            "ter": evaluate_ter, "wer": evaluate_error_rate(jiwer.process_words, "wer"),
            "cer": evaluate_error_rate(jiwer.process_characters, "cer")}


LOAD_OPTIONS = {"rouge": {"use_stemmer": True}, "bleu": {"max_order": 3, "smooth": True},
                "sacrebleu": {"tokenize": "intl", "lowercase": True}, "chrf": {"word_order": 2, "beta": 3},
                "ter": {"case_sensitive": True}, "wer": {"concatenate_texts": True}, "cer": {}}
NAMES = {"rouge": "rouge", "bleu": "bleu", "sacrebleu": "sacrebleu", "chrf": "chr_f", "ter": "ter", "wer": "wer",
         "cer": "cer"}


@pytest.mark.parametrize("name", list(LOAD_OPTIONS))
def test_evaluate_load_compute_equals_evaluates_script(dialogsum, name):
    import numpy as np

    from ngramkit.compat import evaluate

    reference = _evaluate_references()[name]
    hyp, refs = dialogsum
    predictions, single = hyp[:80], refs[0][:80]
    multi = [[a, b] for a, b in zip(refs[0][:80], refs[1][:80])]
    module = evaluate.load(name)
    assert module.name == NAMES[name]
    cases = [(single, {}), (single, LOAD_OPTIONS[name])]
    if name not in ("wer", "cer"):
        cases.append((multi, LOAD_OPTIONS[name]))
    for references, options in cases:
        np.random.seed(7)
        expected = reference(predictions, references, **options)
        np.random.seed(7)
        assert module.compute(predictions=predictions, references=references, **options) == expected
        # accumulated: add / add_batch, then compute(); the module is empty afterwards
        np.random.seed(7)
        module.add(prediction=predictions[0], reference=references[0])
        module.add_batch(predictions=predictions[1:50], references=references[1:50])
        assert module.compute(predictions=predictions[50:], references=references[50:], **options) == expected
        with pytest.raises(ValueError, match="no predictions"):
            module.compute(**options)
        # options given to load are compute's defaults
        np.random.seed(7)
        assert evaluate.load(name, **options).compute(predictions=predictions, references=references) == expected


def test_evaluate_load_names_and_errors():
    from ngramkit.compat import evaluate

    with pytest.raises(ValueError, match="rouge, bleu, sacrebleu, chrf, ter, wer, cer"):
        evaluate.load("meteor")
    assert evaluate.load("evaluate-metric/rouge").name == "rouge"
    assert evaluate.load("bleu", cache_dir="/nonexistent", keep_in_memory=True).name == "bleu"
    with pytest.raises(TypeError, match="bleu.compute: unknown option 'use_stemmer'"):
        evaluate.load("bleu").compute(predictions=["a"], references=["a"], use_stemmer=True)
    with pytest.raises(TypeError, match="unknown option 'bogus'"):
        evaluate.load("rouge", bogus=1)
    with pytest.raises(ValueError, match="num_process"):
        evaluate.load("rouge", num_process=2)
    module = evaluate.load("chrf")
    with pytest.raises(ValueError, match="Mismatch"):
        module.add_batch(predictions=["a", "b"], references=["a"])
    with pytest.raises(ValueError, match="both"):
        module.compute(predictions=["a"])


# --- empty input and byte-order marks --------------------------------------------------------------

def test_empty_input_scores_zero_everywhere(tmp_path, capsys):
    import ngramkit

    empty = tmp_path / "e.txt"
    empty.write_text("", encoding="utf-8")
    # the references: sacrebleu scores an empty text 0.0; the API's ROUGE mean of no pairs is 0.0
    for fn in (sacrebleu.corpus_bleu, sacrebleu.corpus_chrf, sacrebleu.corpus_ter):
        assert fn([""], [[""]]).score == 0.0
    assert all(s == (0.0, 0.0, 0.0) for s in ngramkit.rouge([], []).mean().values())
    assert cli_main(["score", "--hyp", str(empty), "--ref", str(empty), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["pairs"] == 0
    assert all(v == 0.0 for t, m in summary["rouge"].items() if t != "signature" for v in m.values())
    assert summary["bleu"]["score"] == summary["chrf"]["score"] == 0.0
    assert cli_main(["rouge", "-p", str(empty), "-r", str(empty), "--json"]) == 0
    rouge_cli = json.loads(capsys.readouterr().out)
    for t in ("rouge1", "rouge2", "rougeL"):
        assert rouge_cli[t]["mean"] == summary["rouge"][t]
    assert cli_main(["score", "--hyp", str(empty), "--ref", str(empty)]) == 0
    assert "nan" not in capsys.readouterr().out


def test_byte_order_mark_is_text_as_sacrebleu_reads_files(tmp_path, capsys):
    from sacrebleu.utils import smart_open

    hyp, ref = tmp_path / "h.txt", tmp_path / "r.txt"
    hyp.write_bytes("\ufeffHello world\nfoo bar baz\n".encode("utf-8"))
    ref.write_bytes("Hello world\nfoo bar baz\n".encode("utf-8"))
    with smart_open(str(hyp)) as f:  # how the sacrebleu command reads its files
        hyps = [line.rstrip("\n") for line in f]
    assert hyps[0].startswith("\ufeff")
    refs = ["Hello world", "foo bar baz"]
    expected_bleu = sacrebleu.BLEU().corpus_score(hyps, [refs])
    expected_chrf = sacrebleu.CHRF().corpus_score(hyps, [refs])
    assert expected_bleu.score < 100  # the BOM is part of the first token
    assert cli_main(["score", "--metrics", "bleu,chrf", "--hyp", str(hyp), "--ref", str(ref), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["bleu"]["score"] == pytest.approx(expected_bleu.score, abs=1e-12)
    assert summary["chrf"]["score"] == pytest.approx(expected_chrf.score, abs=1e-12)
    with pytest.raises(SystemExit):
        cli_main(["score", "--help"])
    assert "byte-order mark at the start of a line file is kept as text" in " ".join(capsys.readouterr().out.split())


def test_byte_order_mark_before_a_csv_header_is_ignored(tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_bytes("\ufeffprediction,reference\nthe cat sat,the cat sat down\n".encode("utf-8"))
    expected = sacrebleu.CHRF().corpus_score(["the cat sat"], [["the cat sat down"]]).score
    assert cli_main(["score", "--metrics", "chrf", "--hyp", str(table), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["chrf"]["score"] == pytest.approx(expected, abs=1e-12)


# --- nltk drop-in: auto_reweigh on short hypotheses, by truth --------------------------------------

def test_nltk_auto_reweigh_short_and_empty_hypotheses_equal_nltk():
    """Corpora whose hypotheses total fewer than 4 tokens (0 included), every smoothing method,
    default / list / other / several weights: nltk's value, type and exception, as nltk gives them."""
    import random
    import warnings

    from nltk.translate import bleu_score as nltk_bleu

    from ngramkit.compat.nltk import bleu_score as ours

    rng, vocabulary = random.Random(18), list("abcde")
    weights_choices = [(0.25,) * 4, [0.25] * 4, (0.5, 0.5), [(0.25,) * 4, (1 / 3,) * 3], (0.25,) * 4 + (0.0,), (1.0,)]

    def outcome(module, fn, args, weights, method):
        smoothing = getattr(module.SmoothingFunction(), f"method{method}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                value = getattr(module, fn)(*args, weights=weights, smoothing_function=smoothing, auto_reweigh=True)
            except Exception as err:  # noqa: BLE001 - the same exception type is part of the contract
                return ("raises", type(err).__name__)
        return value, type(value)

    checked = 0
    for _ in range(600):
        n = rng.randint(1, 3)
        hyps = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 3))] for _ in range(n)]
        refs = [[[rng.choice(vocabulary) for _ in range(rng.randint(0, 6))] for _ in range(rng.randint(1, 2))]
                for _ in range(n)]
        weights, method = rng.choice(weights_choices), rng.randint(0, 7)
        for fn, args in (("corpus_bleu", (refs, hyps)), ("sentence_bleu", (refs[0], hyps[0]))):
            assert outcome(ours, fn, args, weights, method) == outcome(nltk_bleu, fn, args, weights, method), \
                (fn, args, weights, method)
            checked += 1
    assert checked == 1200
    warnings.simplefilter("ignore")  # nltk's zero-overlap warnings (pytest restores the filters)
    assert ours.sentence_bleu([[]], [], auto_reweigh=True) == nltk_bleu.sentence_bleu([[]], [], auto_reweigh=True) == 0
    assert ours.corpus_bleu([[["a", "b"]]], [["a", "b"]], auto_reweigh=True) == \
        nltk_bleu.corpus_bleu([[["a", "b"]]], [["a", "b"]], auto_reweigh=True)
