"""``sacrebleu.metrics``: the metric classes and their score types (``from ngramkit.compat.sacrebleu.metrics
import BLEU, CHRF``)."""
from . import BLEU, CHRF, BLEUScore, CHRFScore

__all__ = ["BLEU", "CHRF", "BLEUScore", "CHRFScore"]
