"""Score types and what every metric's statistics go through: the combine/finalize protocol,
bootstrap intervals (classic and Poisson), paired significance tests, the exact streamed mean and
reproducibility signatures. Imports only the compiled core."""
