"""Integrations with the libraries where evaluation runs; each module imports its host lazily.

* :mod:`ngramkit.integrations.lm_eval` — lm-evaluation-harness aggregations and bootstrap (extra ``lm-eval``)
* :mod:`ngramkit.integrations.transformers` — ``compute_metrics`` for ``Seq2SeqTrainer`` (extra ``transformers``)
* :mod:`ngramkit.integrations.trl` — reward functions for TRL trainers (no host import needed)
"""
