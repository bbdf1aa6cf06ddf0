"""Import cost of ngramkit (issue 23: ``import ngramkit`` ≤ numpy's import + 10 ms), measured in fresh
interpreters, interleaved, so machine noise hits every variant alike.

    python benchmarks/import_time.py [--runs 21]

Prints the median wall time of ``import numpy``, ``import ngramkit``, ``import numpy, ngramkit``,
and of the first call (``ngramkit.bleu`` on one pair: loads the metric, numpy and the kernels),
each as the median over the runs, with rouge-score-rs's import (``rouge_score_rs``) if installed.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

VARIANTS = {
    "numpy": "import numpy",
    "ngramkit": "import ngramkit",
    "numpy + ngramkit": "import numpy; import ngramkit",
    "ngramkit + first bleu call": "import ngramkit; ngramkit.bleu(['a b c'], ['a b c'])",
    "rouge_score_rs": "import rouge_score_rs",
}


def wall_ms(code: str) -> float | None:
    timed = f"import time; t = time.perf_counter(); {code}; print((time.perf_counter() - t) * 1e3)"
    out = subprocess.run([sys.executable, "-c", timed], capture_output=True, text=True)
    return float(out.stdout) if out.returncode == 0 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(runs):
        for name, code in VARIANTS.items():
            value = wall_ms(code)
            if value is not None:
                samples[name].append(value)
    print(f"median of {runs} fresh interpreters, {sys.version.split()[0]}")
    for name, values in samples.items():
        print(f"  {name:<28} {statistics.median(values):8.2f} ms" if values else f"  {name:<28} (not installed)")
    if samples["numpy"] and samples["numpy + ngramkit"]:
        extra = statistics.median(samples["numpy + ngramkit"]) - statistics.median(samples["numpy"])
        print(f"ngramkit on top of numpy: {extra:+.2f} ms (target: <= +10 ms)")


if __name__ == "__main__":
    main()
