"""One module per metric family (ROUGE, BLEU, chrF): its public functions, result type and
finalize step, built on :mod:`ngramkit.ingest` and :mod:`ngramkit.stats`; ``registry`` lists the
families for the layers above."""
