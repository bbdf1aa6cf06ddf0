"""``sacrebleu.metrics``: the metric classes and their score types (``from ngramkit.compat.sacrebleu.metrics
import BLEU, CHRF, TER``)."""
from . import BLEU, CHRF, TER, BLEUScore, CHRFScore, TERScore

__all__ = ["BLEU", "CHRF", "TER", "BLEUScore", "CHRFScore", "TERScore"]
