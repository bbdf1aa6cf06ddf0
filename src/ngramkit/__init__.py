"""ngramkit: ROUGE, BLEU, chrF, TER, WER and CER over batched text or token ids with a C++ core.

Scores are identical to the reference packages (rouge-score 0.1.2, sacrebleu 2.x, nltk, jiwer 4) and
computed from per-pair statistics that add up across batches and machines.

>>> import ngramkit
>>> result = ngramkit.rouge(["the cat sat"], ["the cat sat down"])
>>> round(float(result["rouge1"].fmeasure[0]), 4)
0.8571

The public names are loaded on first use (PEP 562), so ``import ngramkit`` costs next to nothing
until a metric is called.
"""
from __future__ import annotations

import importlib

from ._version import __version__  # noqa: F401  (the package version)

#: public name -> the module (relative to this package) that defines it
_EXPORTS = {
    "Comparison": "comparison.compare", "compare": "comparison.compare",
    "self_bleu": "compat.self_bleu",
    "TokenBatch": "ingest.token_batch",
    "tokenize": "ingest.tokenize",
    "BleuResult": "metrics.bleu", "bleu": "metrics.bleu", "sentence_bleu": "metrics.bleu",
    "CerResult": "metrics.error_rates", "ErrorRateResult": "metrics.error_rates", "WerResult": "metrics.error_rates",
    "cer": "metrics.error_rates", "wer": "metrics.error_rates",
    "ChrfResult": "metrics.chrf", "chrf": "metrics.chrf", "sentence_chrf": "metrics.chrf",
    "rouge": "metrics.rouge",
    "RougeResult": "metrics.rouge_result", "RougeScores": "metrics.rouge_result",
    "scores_from_statistics": "metrics.rouge_result",
    "VALID_ROUGE_TYPES": "metrics.rouge_types",
    "TerResult": "metrics.ter", "sentence_ter": "metrics.ter", "ter": "metrics.ter",
    "Accumulator": "pipelines.accumulators", "accumulator": "pipelines.accumulators",
    "MbrResult": "pipelines.pairwise", "mbr": "pipelines.pairwise", "near_duplicates": "pipelines.pairwise",
    "pairwise": "pipelines.pairwise", "pairwise_pools": "pipelines.pairwise",
    "PaddedMatrices": "metrics.matrices",
    "TableScores": "pipelines.tables", "dataset_scorer": "pipelines.tables", "score_columns": "pipelines.tables",
    "score_table": "pipelines.tables",
    "bootstrap_interval": "stats.bootstrap", "mean_score": "stats.bootstrap",
    "AggregateScore": "stats.scores", "Score": "stats.scores",
}

__all__ = sorted(_EXPORTS)

#: subpackages and modules reachable as attributes (``ngramkit.metrics.bleu``), imported on first use
_SUBMODULES = frozenset({"cli", "comparison", "compat", "dask", "examples", "ingest", "integrations", "metrics",
                         "pipelines", "stats", "_core"})


TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing


def __getattr__(name: str) -> object:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ngramkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # static analysers and IDEs see the names directly
    from .comparison.compare import Comparison, compare  # noqa: F401
    from .compat.self_bleu import self_bleu  # noqa: F401
    from .ingest.token_batch import TokenBatch  # noqa: F401
    from .ingest.tokenize import tokenize  # noqa: F401
    from .metrics.bleu import BleuResult, bleu, sentence_bleu  # noqa: F401
    from .metrics.error_rates import CerResult, ErrorRateResult, WerResult, cer, wer  # noqa: F401
    from .metrics.chrf import ChrfResult, chrf, sentence_chrf  # noqa: F401
    from .metrics.rouge import rouge  # noqa: F401
    from .metrics.rouge_result import RougeResult, RougeScores, scores_from_statistics  # noqa: F401
    from .metrics.rouge_types import VALID_ROUGE_TYPES  # noqa: F401
    from .metrics.ter import TerResult, sentence_ter, ter  # noqa: F401
    from .pipelines.accumulators import Accumulator, accumulator  # noqa: F401
    from .metrics.matrices import PaddedMatrices  # noqa: F401
    from .pipelines.pairwise import MbrResult, mbr, near_duplicates, pairwise, pairwise_pools  # noqa: F401
    from .pipelines.tables import TableScores, dataset_scorer, score_columns, score_table  # noqa: F401
    from .stats.bootstrap import bootstrap_interval, mean_score  # noqa: F401
    from .stats.scores import AggregateScore, Score  # noqa: F401
