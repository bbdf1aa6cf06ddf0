"""Drop-in replacements for other packages' APIs, backed by ngramkit's kernels.

* ``ngramkit.compat.rouge_score``: ``rouge_scorer.RougeScorer`` and ``scoring`` as in rouge-score.
* ``ngramkit.compat.evaluate``: ``rouge``, ``bleu``, ``sacrebleu``, ``chrf`` returning what HF
  evaluate's metrics of those names return.
* ``ngramkit.compat.nltk.bleu_score``: NLTK's ``sentence_bleu``, ``corpus_bleu`` and
  ``SmoothingFunction``, bit-identical.
* ``ngramkit.compat.jiwer``: jiwer 4's ``wer``, ``mer``, ``wil``, ``wip``, ``cer``, ``process_words``,
  ``process_characters`` (same alignments) and ``visualize_alignment``, reference first.
"""
