"""``sacrebleu.metrics``: the metric classes and their score types (``from ngramkit.compat.sacrebleu.metrics
import BLEU, CHRF, TER``), and ``METRICS`` (name -> class), as in sacrebleu."""
from . import BLEU, CHRF, TER, BLEUScore, CHRFScore, TERScore

METRICS = {"BLEU": BLEU, "CHRF": CHRF, "TER": TER}

__all__ = ["BLEU", "CHRF", "TER", "BLEUScore", "CHRFScore", "TERScore", "METRICS"]
