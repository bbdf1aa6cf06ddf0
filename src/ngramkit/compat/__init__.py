"""Drop-in replacements for other packages' APIs, backed by ngramkit's kernels.

* ``ngramkit.compat.rouge_score``: ``rouge_scorer.RougeScorer`` and ``scoring`` as in rouge-score.
* ``ngramkit.compat.evaluate``: ``rouge(...)`` returning what HF evaluate's ``rouge`` metric returns.
"""
