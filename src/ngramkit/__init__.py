"""ngramkit: ROUGE, BLEU, chrF and TER over batched text or token ids with a C++ core.

Scores are identical to the reference packages (rouge-score 0.1.2, sacrebleu 2.x, nltk) and
computed from integer per-pair statistics that add up across batches and machines.

>>> import ngramkit
>>> result = ngramkit.rouge(["the cat sat"], ["the cat sat down"])
>>> round(float(result["rouge1"].fmeasure[0]), 4)
0.8571
"""
from ._version import __version__  # noqa: F401  (the package version)
from .comparison.compare import Comparison, compare
from .compat.self_bleu import self_bleu
from .ingest.token_batch import TokenBatch
from .ingest.tokenize import tokenize
from .metrics.bleu import BleuResult, bleu, sentence_bleu
from .metrics.chrf import ChrfResult, chrf, sentence_chrf
from .metrics.rouge import rouge
from .metrics.rouge_result import RougeResult, RougeScores, scores_from_statistics
from .metrics.rouge_types import VALID_ROUGE_TYPES
from .metrics.ter import TerResult, sentence_ter, ter
from .pipelines.accumulators import Accumulator, accumulator
from .pipelines.pairwise import MbrResult, mbr, near_duplicates, pairwise, pairwise_pools
from .pipelines.tables import TableScores, dataset_scorer, score_columns, score_table
from .stats.bootstrap import bootstrap_interval, mean_score
from .stats.scores import AggregateScore, Score

__all__ = [
    "Accumulator",
    "accumulator",
    "MbrResult",
    "mbr",
    "near_duplicates",
    "pairwise",
    "pairwise_pools",
    "self_bleu",
    "Comparison",
    "compare",
    "BleuResult",
    "ChrfResult",
    "AggregateScore",
    "RougeResult",
    "RougeScores",
    "Score",
    "TableScores",
    "TokenBatch",
    "VALID_ROUGE_TYPES",
    "bleu",
    "bootstrap_interval",
    "chrf",
    "dataset_scorer",
    "mean_score",
    "rouge",
    "score_columns",
    "score_table",
    "scores_from_statistics",
    "sentence_bleu",
    "sentence_chrf",
    "sentence_ter",
    "ter",
    "TerResult",
    "tokenize",
]
