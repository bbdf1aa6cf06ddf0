"""ngramkit: ROUGE, BLEU and chrF over batched text or token ids with a C++ core.

Scores are identical to the reference packages (rouge-score 0.1.2, sacrebleu 2.x, nltk) and
computed from integer per-pair statistics that add up across batches and machines.

>>> import ngramkit
>>> result = ngramkit.rouge(["the cat sat"], ["the cat sat down"])
>>> round(float(result["rouge1"].fmeasure[0]), 4)
0.8571
"""
from .bleu import BleuResult, bleu, sentence_bleu
from .chrf import ChrfResult, chrf, sentence_chrf
from .bootstrap import bootstrap_interval, mean_score
from .compare import Comparison, compare
from .rouge import RougeResult, RougeScores, rouge, scores_from_statistics, tokenize
from .rouge_types import VALID_ROUGE_TYPES
from .scores import AggregateScore, Score
from .tables import TableScores, dataset_scorer, score_columns, score_table
from .token_batch import TokenBatch

__version__ = "0.2.0"

__all__ = [
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
    "tokenize",
]
