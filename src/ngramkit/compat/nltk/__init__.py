"""Drop-in for the parts of NLTK that score text: ``nltk.translate.bleu_score``.

Swap ``from nltk.translate.bleu_score import corpus_bleu, SmoothingFunction`` for
``from ngramkit.compat.nltk.bleu_score import corpus_bleu, SmoothingFunction``: same arguments,
same return values (to the last bit), n-grams counted by ngramkit's C++ kernel.
"""
from . import bleu_score

__all__ = ["bleu_score"]
