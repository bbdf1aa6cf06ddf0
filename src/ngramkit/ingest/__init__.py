"""Inputs to :class:`TokenBatch` and ingested pairs: text and token ids checked once, UTF-8 buffers,
the text tokenizers' front, thread counts. Imports only the compiled core."""
