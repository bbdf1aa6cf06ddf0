"""Scoring where the data lives: tables (Arrow, pandas, polars, HF datasets), chunked streaming
with exact corpus sums, and the Dask implementation behind :mod:`ngramkit.dask`."""
