"""csrc/metrics/ter.hpp against sacrebleu's translation_edit_rate on random id sequences (until bound)."""
import random
import shutil
import subprocess
from pathlib import Path

import pytest

lib_ter = pytest.importorskip("sacrebleu.metrics.lib_ter")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    if shutil.which("g++") is None:
        pytest.skip("no g++")
    exe = tmp_path_factory.mktemp("ter") / "ter_driver"
    subprocess.run(["g++", "-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", f"-I{ROOT / 'csrc'}",
                    str(ROOT / "tests/ter_kernel/ter_driver.cpp"), "-o", str(exe)], check=True)
    return exe


def test_random_pairs_equal_sacrebleu(driver):
    rng = random.Random(1)
    pairs = []
    for _ in range(300):
        vocab = rng.choice([2, 4, 8, 30])
        n, m = rng.randint(0, rng.choice([5, 20, 60])), rng.randint(0, rng.choice([5, 20, 60]))
        if rng.random() < 0.1:
            n, m = rng.randint(1, 3), rng.randint(100, 200)
        pairs.append(([rng.randrange(vocab) for _ in range(n)], [rng.randrange(vocab) for _ in range(m)]))
    pairs.append(([1, 2, 3] * 200, [1, 2, 3, 4] * 150))
    text = "".join(" ".join(map(str, h)) + "\n" + " ".join(map(str, r)) + "\n" for h, r in pairs)
    out = subprocess.run([str(driver)], input=text, capture_output=True, text=True, check=True).stdout.split()
    expected = [lib_ter.translation_edit_rate([str(x) for x in h], [str(x) for x in r])[0] for h, r in pairs]
    assert [int(x) for x in out] == expected
