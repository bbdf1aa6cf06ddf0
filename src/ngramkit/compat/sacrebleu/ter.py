"""sacrebleu 2.x's TER API (``sacrebleu.metrics.TER``, ``TERScore``, ``corpus_ter``,
``sentence_ter``), computed by ngramkit's TER kernel; re-exported by ``ngramkit.compat.sacrebleu``.

References are sacrebleu's streams (``references[k][i]``, ``None`` for a missing one), as for BLEU
and chrF there. ``corpus_score(..., n_bootstrap=N)`` draws sacrebleu's resamples of the float32
``[edits, average reference length]`` rows, so the mean and 95% half-width are sacrebleu's too.
"""
from __future__ import annotations

from ...metrics.ter import TerResult, make_config, ter as _ter
from ...stats.signature import Signature
from . import _Metric, _Score
from .tokenizers import TercomTokenizer


class TERScore(_Score):
    """sacrebleu's ``TERScore``: ``score`` (0-100+, lower is better), ``num_edits`` (int),
    ``ref_length`` (summed average reference lengths), ``name`` ``"TER"``; ``result`` holds
    ngramkit's TerResult (with per-pair ``statistics``)."""

    name = "TER"

    def __init__(self, result: TerResult):
        self.result = result
        self.score = result.score
        self.num_edits = int(result.num_edits)
        self.ref_length = result.ref_length


class TER(_Metric):
    """sacrebleu's ``TER`` metric class (same constructor, ``corpus_score`` with ``n_bootstrap``,
    ``sentence_score``, ``get_signature``; ``tokenizer``: its Tercom tokenizer, a callable
    ``str -> str``)."""

    def __init__(self, normalized: bool = False, no_punct: bool = False, asian_support: bool = False,
                 case_sensitive: bool = False, references=None):
        super().__init__(references)
        self.normalized, self.no_punct = normalized, no_punct
        self.asian_support, self.case_sensitive = asian_support, case_sensitive
        make_config(normalized, no_punct, asian_support, case_sensitive)  # validate now, as sacrebleu's constructor
        self.tokenizer = TercomTokenizer(normalized, no_punct, asian_support, case_sensitive)
        self.tokenizer_signature = self.tokenizer.signature()

    def _options(self) -> dict:
        return dict(normalized=self.normalized, no_punct=self.no_punct, asian_support=self.asian_support,
                    case_sensitive=self.case_sensitive)

    def _score(self, hyps, groups, sentence: bool = False) -> TERScore:
        return TERScore(_ter(hyps, groups, **self._options()))

    def _signature(self) -> Signature:
        return self._with_run_fields(_ter([], [], **self._options()).signature)


def corpus_ter(hypotheses, references, normalized=False, no_punct=False, asian_support=False,
               case_sensitive=False) -> TERScore:
    """sacrebleu.corpus_ter: TER of a corpus against one or more reference streams."""
    metric = TER(normalized=normalized, no_punct=no_punct, asian_support=asian_support, case_sensitive=case_sensitive)
    return metric.corpus_score(hypotheses, references)


def sentence_ter(hypothesis, references, normalized=False, no_punct=False, asian_support=False,
                 case_sensitive=False) -> TERScore:
    """sacrebleu.sentence_ter: TER of one hypothesis against a list of reference strings."""
    metric = TER(normalized=normalized, no_punct=no_punct, asian_support=asian_support, case_sensitive=case_sensitive)
    return metric.sentence_score(hypothesis, references)
