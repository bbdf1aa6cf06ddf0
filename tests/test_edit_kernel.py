"""csrc/metrics/edit_distance.hpp alone, built with g++ -Wall -Wextra -Werror (and, where the
toolchain has them, AddressSanitizer + UndefinedBehaviorSanitizer), against rapidfuzz's
``Levenshtein.opcodes`` on random tiny-vocabulary pairs across every path of the kernel."""
import random
import shutil
import subprocess
from pathlib import Path

import pytest

Levenshtein = pytest.importorskip("rapidfuzz.distance").Levenshtein
ROOT = Path(__file__).resolve().parents[1]
TAG = {"equal": 0, "replace": 1, "insert": 2, "delete": 3}


def _build(exe: Path, extra: list) -> bool:
    cmd = ["g++", "-std=c++17", "-O1", "-g", "-Wall", "-Wextra", "-Werror", *extra, f"-I{ROOT / 'csrc'}",
           str(ROOT / "tests/edit_kernel/edit_driver.cpp"), "-o", str(exe)]
    return subprocess.run(cmd, capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    if shutil.which("g++") is None:
        pytest.skip("no g++")
    exe = tmp_path_factory.mktemp("edit") / "edit_driver"
    sanitizers = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"]
    if not _build(exe, sanitizers):
        assert _build(exe, []), "edit_driver.cpp does not build warning-free"
    return exe


def _pairs():
    rng = random.Random(2)
    pairs = []
    for lo, hi, count in [(0, 70, 600), (60, 300, 60), (2100, 2600, 3)]:
        for _ in range(count):
            vocab = rng.randint(2, 4)
            ref = [rng.randrange(vocab) for _ in range(rng.randint(lo, hi))]
            hyp = list(ref) if rng.random() < 0.5 else [rng.randrange(vocab) for _ in range(rng.randint(lo, hi))]
            for _ in range(rng.randint(0, 8) if hyp == ref else 0):
                p = rng.randrange(len(hyp) + 1)
                hyp.insert(p, rng.randrange(vocab)) if rng.random() < 0.5 or p == len(hyp) else hyp.pop(p)
            pairs.append((ref, hyp))
    return pairs


def test_driver_equals_rapidfuzz(driver):
    pairs = _pairs()
    text = "".join(" ".join(map(str, r)) + "\n" + " ".join(map(str, h)) + "\n" for r, h in pairs)
    out = subprocess.run([str(driver)], input=text, capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(out) == len(pairs)
    for line, (ref, hyp) in zip(out, pairs):
        ops_text, counts = line.split("|")
        got = [tuple(int(x) for x in op.split()) for op in ops_text.split(";") if op]
        want = [(TAG[t], a, b, c, d) for t, a, b, c, d in Levenshtein.opcodes(ref, hyp)]
        assert got == want, (len(ref), len(hyp))
        h, s, i, d = (sum((b - a) if t != 2 else (dd - c) for t, a, b, c, dd in want if t == tag) for tag in range(4))
        assert [int(x) for x in counts.split()] == [h, s, d, i]
