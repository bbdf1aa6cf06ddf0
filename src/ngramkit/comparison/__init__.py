"""Comparing systems on the same test set: paired bootstrap / approximate-randomization tests
(:func:`ngramkit.compare`), their text table and their HTML report."""
