"""ngramkit.integrations.lm_eval against the real lm-eval (skipped when lm-eval is not installed:
it is not in the ``test`` extra; ``pip install 'ngramkit[lm-eval]'``): the aggregations and the
bootstrap standard errors equal lm-eval's own, through its registry and through simple_evaluate."""
from __future__ import annotations

import json
import random

import pytest

lm_eval = pytest.importorskip("lm_eval")

import lm_eval.api.metrics as lm_metrics  # noqa: E402
from lm_eval.api.registry import get_aggregation, get_metric_aggregation  # noqa: E402

from ngramkit.integrations import lm_eval as nk  # noqa: E402

NAMES = ("bleu", "chrf", "chrf++", "ter")
WORDS = "the a cat dog sat on mat ran fast slow red blue . , ! Über naïve".split()


@pytest.fixture(autouse=True)
def _restore(monkeypatch):
    monkeypatch.setenv("DISABLE_MULTIPROC", "1")  # lm-eval's single-process bootstrap (same draws as its pool)
    yield
    nk.uninstall()


def _items(n, refs, seed=0):
    rng = random.Random(seed)
    text = lambda: " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12)))  # noqa: E731
    if refs == "one":
        return [(text(), text()) for _ in range(n)]
    if refs == "pred-list":  # predictions as one-element lists, as some tasks return
        return [(text(), [text()]) for _ in range(n)]
    return [([text() for _ in range(refs)], text()) for _ in range(n)]


def _lm_eval_numbers(items, iters):
    values = {k: get_aggregation(k)(items) for k in NAMES}
    metric_values = {k: get_metric_aggregation(k)(items) for k in NAMES}
    stderrs = {k: lm_metrics.stderr_for_metric(get_aggregation(k), iters)(items) for k in NAMES}
    return values, metric_values, stderrs


@pytest.mark.parametrize("refs", ["one", "pred-list", 2, 3])
def test_values_and_stderr_equal_lm_eval(refs):
    items = _items(40, refs)
    want = _lm_eval_numbers(items, 10)
    nk.install()
    assert nk.installed() and get_aggregation("bleu").__module__ == "ngramkit.integrations.lm_eval"
    assert get_aggregation("chrf++").__name__ == "chrfpp"
    assert _lm_eval_numbers(items, 10) == want
    nk.uninstall()
    assert get_aggregation("bleu") is lm_metrics.bleu and lm_metrics.bleu.__module__ == "lm_eval.api.metrics"
    assert _lm_eval_numbers(items, 10) == want


def test_chunks_of_1000_and_other_aggregations_untouched():
    items = _items(6, 2, seed=4)
    want = lm_metrics.bootstrap_stderr(lm_metrics.bleu, items, 2000)  # two chunks: seeds 0 and 1
    median_want = lm_metrics.bootstrap_stderr(lm_metrics.median, list(range(30)), 50)
    original_bleu = lm_metrics.bleu
    nk.install()
    assert lm_metrics.bootstrap_stderr(lm_metrics.bleu, items, 2000) == want
    assert lm_metrics.bootstrap_stderr(original_bleu, items, 2000) == want  # a task built before install()
    assert lm_metrics.bootstrap_stderr(lm_metrics.median, list(range(30)), 50) == median_want


TASK_YAML = """task: nk_local_mt
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: generate_until
doc_to_text: "{{{{source}}}}"
doc_to_target: "{{{{target}}}}"
generation_kwargs:
  until: ["\\n"]
metric_list:
  - metric: bleu
    aggregation: bleu
    higher_is_better: true
  - metric: chrf
    aggregation: chrf
    higher_is_better: true
  - metric: ter
    aggregation: ter
    higher_is_better: false
"""


def _simple_evaluate(tmp_path, bootstrap_iters):
    from lm_eval import simple_evaluate
    from lm_eval.api.model import LM
    from lm_eval.tasks import TaskManager

    class Echo(LM):
        """Answers with the prompt's words, every other one dropped."""

        def generate_until(self, requests):
            return [" ".join(r.args[0].split()[::2]) for r in requests]

        def loglikelihood(self, requests):
            raise NotImplementedError

        def loglikelihood_rolling(self, requests):
            raise NotImplementedError

    rng = random.Random(7)
    data = tmp_path / "docs.jsonl"
    with data.open("w") as f:
        for _ in range(20):
            words = [rng.choice(WORDS) for _ in range(rng.randint(1, 12))]
            f.write(json.dumps({"source": " ".join(words), "target": " ".join(words[::-1][:9])}) + "\n")
    (tmp_path / "task.yaml").write_text(TASK_YAML.format(data=data))
    manager = TaskManager(include_path=str(tmp_path), include_defaults=False)
    out = simple_evaluate(model=Echo(), tasks=["nk_local_mt"], task_manager=manager,
                          bootstrap_iters=bootstrap_iters)
    return out["results"]["nk_local_mt"]


def test_simple_evaluate_equal_with_and_without_install(tmp_path):
    want = _simple_evaluate(tmp_path, 20)
    assert isinstance(want["bleu_stderr,none"], float)
    nk.install()
    assert _simple_evaluate(tmp_path, 20) == want
    nk.install(bootstrap_iters=300)  # the cap lifted: 300 resamples instead of min(20, 100)
    lifted = _simple_evaluate(tmp_path, 20)
    assert lifted["bleu,none"] == want["bleu,none"] and lifted["bleu_stderr,none"] != want["bleu_stderr,none"]


def test_lifted_cap_equals_lm_eval_with_that_many_resamples():
    items = _items(20, 1, seed=2)
    want = lm_metrics.bootstrap_stderr(lm_metrics.ter, items, 300)
    nk.install(bootstrap_iters=300)
    import lm_eval.evaluator_utils as eu

    assert eu.stderr_for_metric(get_aggregation("ter"), 100)(items) == want
    assert eu.stderr_for_metric(get_aggregation("ter"), 0) is None  # no bootstrap asked: none done
    with pytest.raises(ValueError, match="bootstrap_iters"):
        nk.install(bootstrap_iters=0)


def test_missing_or_old_host_names_the_extra(monkeypatch):
    import importlib.metadata

    from ngramkit.integrations import _host

    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda d: "0.3.0" if d == "lm_eval" else real(d))
    with pytest.raises(ImportError, match=r"lm_eval>=0\.4\.0.*ngramkit\[lm-eval\].*found lm_eval 0\.3\.0"):
        nk.install()
    with pytest.raises(ImportError, match=r"ngramkit\[x\].*not installed"):
        _host.require("no_such_module_xyz", "no-such", "x", "1.0")
