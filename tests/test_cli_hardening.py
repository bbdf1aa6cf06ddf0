"""Issue 18, the command line's half (items 1, 2, 3, 11, 12), each applied to every command and
every output option, as subprocesses (``python -m ngramkit``):

1. an output (``score --per-pair``, ``compare --report``) that is an input (``--hyp``, ``--ref``,
   a table file, a system file, stdin redirected from a file), however spelled (``./``, absolute,
   ``..``, symbolic or hard link), is refused: exit 2, one line, the input untouched;
2. corrupt compressed inputs (.gz, .bz2, .xz) and a full disk (an output, the stdin spool,
   stdout) give one line naming the file and the cause, exit 2, no temporary file; a failed
   output leaves the old destination as it was;
3. SIGINT / SIGTERM mid-run: one line, exit 130 / 143, temporary files and the spool removed;
11. usage errors: ``ngramkit <cmd>: error: <message>`` and ``see 'ngramkit <cmd> --help'``, exit 2;
12. outputs get mode 0666 & ~umask when new and keep the mode of the file they replace.

A full disk is simulated with RLIMIT_FSIZE (writes past it fail with EFBIG; CPython ignores
SIGXFSZ) and with /dev/full.
"""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import random
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import assert_cli_error

import ngramkit

ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
       "PYTHONPATH": os.pathsep.join([os.path.dirname(os.path.dirname(ngramkit.__file__)),
                                      os.environ.get("PYTHONPATH", "")])}
WORDS = "the a cat dog sat on mat ran far away quickly slowly red blue green house tree river".split()


def _child_setup(umask=None, fsize=None):
    """preexec_fn: Python's SIGINT handler even when the test runs with SIGINT ignored; a umask;
    a file-size limit."""
    def setup():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if umask is not None:
            os.umask(umask)
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return setup


def run(*args, cwd, stdin=None, umask=None, fsize=None, env=None, stdout=subprocess.PIPE):
    return subprocess.run([sys.executable, "-m", "ngramkit", *map(str, args)], cwd=cwd, env=env or ENV,
                          stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, text=True,
                          preexec_fn=_child_setup(umask, fsize))


def start(*args, cwd, stdin=None, env=None):
    return subprocess.Popen([sys.executable, "-m", "ngramkit", *map(str, args)], cwd=cwd, env=env or ENV,
                            stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_child_setup())


def texts(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(" ".join(rng.choices(WORDS, k=rng.randint(3, 25))) + "\n" for _ in range(n))


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file's bytes (symbolic links by their target), to check that nothing changed."""
    return {p.name: (os.readlink(p).encode() if p.is_symlink() else p.read_bytes()) for p in directory.iterdir()}


@pytest.fixture
def d(tmp_path):
    """Small line-aligned files, plain and as a .tsv-named text file, and table files."""
    (tmp_path / "p.txt").write_text(texts(40, 1))
    (tmp_path / "r.txt").write_text(texts(40, 2))
    (tmp_path / "same.tsv").write_text(texts(40, 3))  # a text input that looks like a per-pair name
    with open(tmp_path / "t.jsonl", "w") as f:
        for h, r in zip(texts(40, 1).splitlines(), texts(40, 2).splitlines()):
            f.write(json.dumps({"prediction": h, "reference": r}) + "\n")
    return tmp_path


# ---- 1. an output that is an input --------------------------------------------------------------

SPELLINGS = {
    "same": lambda d, name, link: name,
    "dot": lambda d, name, link: f"./{name}",
    "absolute": lambda d, name, link: str(d / name),
    "parent": lambda d, name, link: f"../{d.name}/{name}",
    "symlink": lambda d, name, link: (os.symlink(name, d / link), link)[1],
    "hardlink": lambda d, name, link: (os.link(d / name, d / link), link)[1],
}
# (argv with OUT for the output, the input file OUT is spelled as, the option that names that input)
SAME_FILE_CASES = {
    "score --hyp": (["score", "--hyp", "same.tsv", "--ref", "r.txt", "--per-pair", "OUT"], "same.tsv", "--hyp"),
    "score --ref": (["score", "--hyp", "p.txt", "--ref", "r.txt", "--ref", "same.tsv", "--per-pair", "OUT"],
                    "same.tsv", "--ref"),
    "score table": (["score", "--hyp", "t.jsonl", "--per-pair", "OUT"], "t.jsonl", "--hyp"),
    "compare baseline": (["compare", "p.txt", "r.txt", "--ref", "same.tsv", "--report", "OUT"], "p.txt", "system"),
    "compare system": (["compare", "p.txt", "same.tsv", "--ref", "r.txt", "--report", "OUT"], "same.tsv",
                       "system"),
    "compare --ref": (["compare", "p.txt", "r.txt", "--ref", "same.tsv", "--report", "OUT"], "same.tsv", "--ref"),
}


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("case", SAME_FILE_CASES)
def test_output_over_an_input_is_refused(d, case, spelling):
    argv, target, in_option = SAME_FILE_CASES[case]
    out = SPELLINGS[spelling](d, target, "link" + Path(target).suffix)
    before = snapshot(d)
    done = run(*[out if a == "OUT" else a for a in argv], cwd=d)
    assert done.returncode == 2, done.stderr
    out_option = "--per-pair" if argv[0] == "score" else "--report"
    assert_cli_error(done.stderr, f"ngramkit {argv[0]}", f"{out_option} {out}: is the same file as the input "
                     f"{in_option} ", usage=False)
    assert snapshot(d) == before


def test_parquet_table_input_is_refused(d):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pd.read_json(d / "t.jsonl", lines=True).to_parquet(d / "t.parquet")
    os.symlink("t.parquet", d / "out.parquet")
    before = snapshot(d)
    done = run("score", "--hyp", "t.parquet", "--per-pair", "out.parquet", cwd=d)
    assert done.returncode == 2
    assert_cli_error(done.stderr, "ngramkit score", "--per-pair out.parquet: is the same file as the input --hyp "
                     "t.parquet", usage=False)
    assert snapshot(d) == before


def test_stdin_redirected_from_the_output_is_refused(d):
    before = snapshot(d)
    with open(d / "same.tsv") as stdin:
        done = run("score", "--hyp", "-", "--ref", "r.txt", "--per-pair", "same.tsv", cwd=d, stdin=stdin)
    assert done.returncode == 2
    assert_cli_error(done.stderr, "ngramkit score", "--per-pair same.tsv: is the same file as the input --hyp -",
                     usage=False)
    assert snapshot(d) == before


def test_other_outputs_are_written(d):
    """The check compares files: a new name, or another file with the same base name, is fine."""
    (d / "sub").mkdir()
    done = run("score", "--hyp", "p.txt", "--ref", "r.txt", "--per-pair", "sub/same.tsv", "--metrics", "bleu", cwd=d)
    assert done.returncode == 0, done.stderr
    assert (d / "sub" / "same.tsv").read_text().startswith("pair\tbleu\n")


# ---- 2. I/O errors ------------------------------------------------------------------------------

COMPRESSORS = (".gz", ".bz2", ".xz", ".zst")


def compress(data: bytes, suffix: str) -> bytes:
    if suffix == ".zst":
        zstandard = pytest.importorskip("zstandard")
        return zstandard.ZstdCompressor(write_checksum=True).compress(data)
    return {".gz": gzip, ".bz2": bz2, ".xz": lzma}[suffix].compress(data)


def _corrupt(text: bytes, suffix: str) -> bytes:
    """``text`` compressed, with bad data in the middle: for .gz a second member whose first block
    has an invalid type (zlib.error), for the others zeroed bytes in the middle of the stream."""
    if suffix == ".gz":
        half = len(text) // 2
        second = bytearray(gzip.compress(text[half:], mtime=0))
        second[10] = 0xFF
        return gzip.compress(text[:half], mtime=0) + bytes(second)
    data = bytearray(compress(text, suffix))
    mid = len(data) // 2
    data[mid:mid + 64] = bytes(64)
    return bytes(data)

CORRUPT_CASES = {
    "score --hyp": ["score", "--hyp", "BAD", "--ref", "big.txt", "--metrics", "bleu"],
    "score --ref": ["score", "--hyp", "big.txt", "--ref", "BAD", "--metrics", "bleu"],
    "rouge": ["rouge", "-p", "big.txt", "-r", "BAD"],
    "compare": ["compare", "big.txt", "BAD", "--ref", "big.txt", "--metrics", "bleu", "--n-samples", "10"],
}


@pytest.fixture
def big(tmp_path):
    """5,000 pairs (330 kB): a compressed stream with a middle, outputs larger than a write buffer."""
    (tmp_path / "big.txt").write_text(texts(5_000, 5))
    return tmp_path


@pytest.mark.parametrize("suffix", COMPRESSORS)
@pytest.mark.parametrize("case", CORRUPT_CASES)
def test_corrupt_compressed_input_is_one_line(big, case, suffix):
    (big / f"bad.txt{suffix}").write_bytes(_corrupt((big / "big.txt").read_bytes(), suffix))
    done = run(*[f"bad.txt{suffix}" if a == "BAD" else a for a in CORRUPT_CASES[case]], cwd=big)
    assert done.returncode == 2, done.stderr
    assert_cli_error(done.stderr, f"ngramkit {CORRUPT_CASES[case][0]}", f"bad.txt{suffix}: not a valid compressed file",
                     usage=False)


@pytest.mark.parametrize("suffix", COMPRESSORS)
def test_corrupt_compressed_table_is_one_line(d, suffix):
    lines = (d / "t.jsonl").read_bytes() * 500
    (d / f"t.jsonl{suffix}").write_bytes(_corrupt(lines, suffix))
    done = run("score", "--hyp", f"t.jsonl{suffix}", "--metrics", "bleu", cwd=d)
    assert done.returncode == 2, done.stderr
    assert_cli_error(done.stderr, "ngramkit score", f"t.jsonl{suffix}: not a valid compressed file", usage=False)


def test_corrupt_parquet_table_is_one_line(big):
    """Damage past the footer shows only when that row group is read, after scoring began."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    lines = (big / "big.txt").read_text().splitlines()
    pq.write_table(pa.table({"prediction": lines, "reference": lines[::-1]}), big / "t.parquet", row_group_size=500)
    data = bytearray((big / "t.parquet").read_bytes())
    data[len(data) // 2:len(data) // 2 + 2000] = b"\xff" * 2000
    (big / "t.parquet").write_bytes(bytes(data))
    done = run("score", "--hyp", "t.parquet", "--metrics", "bleu", "--per-pair", "out.tsv", cwd=big)
    assert done.returncode == 2, done.stderr
    assert_cli_error(done.stderr, "ngramkit score", "t.parquet: cannot read as Parquet: ", usage=False)
    assert sorted(p.name for p in big.iterdir()) == ["big.txt", "t.parquet"]


@pytest.mark.parametrize("suffix", COMPRESSORS)
def test_compressed_inputs_read_like_plain_ones(d, suffix):
    for name in ("p.txt", "r.txt", "t.jsonl"):
        (d / f"{name}{suffix}").write_bytes(compress((d / name).read_bytes(), suffix))
    want = run("score", "--hyp", "p.txt", "--ref", "r.txt", "--format", "json", cwd=d)
    assert want.returncode == 0, want.stderr
    for argv in (["--hyp", f"p.txt{suffix}", "--ref", f"r.txt{suffix}"], ["--hyp", f"t.jsonl{suffix}"]):
        got = run("score", *argv, "--format", "json", cwd=d)
        assert got.returncode == 0, got.stderr
        assert json.loads(got.stdout) == json.loads(want.stdout)
    rouge = run("rouge", "-p", f"p.txt{suffix}", "-r", f"r.txt{suffix}", "--json", cwd=d)
    assert json.loads(rouge.stdout) == json.loads(run("rouge", "-p", "p.txt", "-r", "r.txt", "--json", cwd=d).stdout)


# argv reading IN and writing OUT, and the option that names OUT
OUTPUT_CASES = {
    "per-pair.tsv": (["score", "--hyp", "IN", "--ref", "IN", "--metrics", "bleu", "--chunk-size", "500",
                      "--per-pair", "OUT"], "out.tsv", "--per-pair"),
    "per-pair.jsonl": (["score", "--hyp", "IN", "--ref", "IN", "--metrics", "bleu", "--per-pair", "OUT"],
                       "out.jsonl", "--per-pair"),
    "per-pair.parquet": (["score", "--hyp", "IN", "--ref", "IN", "--metrics", "rouge", "--per-pair", "OUT"],
                         "out.parquet", "--per-pair"),
    "report": (["compare", "IN", "IN", "--names", "a,b", "--ref", "IN", "--metrics", "bleu", "--n-samples", "10",
                "--report", "OUT"], "out.html", "--report"),
}


def _output_argv(case: str, source: str) -> tuple[list[str], str, str]:
    """(argv reading ``source``, the output's name, its option) of an OUTPUT_CASES case."""
    argv, name, option = OUTPUT_CASES[case]
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    return [{"IN": source, "OUT": name}.get(a, a) for a in argv], name, option


@pytest.mark.parametrize("case", OUTPUT_CASES)
def test_full_disk_while_writing_an_output(big, case):
    """The write fails part way: one line, exit 2, no temporary file, the old file unchanged."""
    argv, name, option = _output_argv(case, "big.txt")
    done = run(*argv, cwd=big)
    assert done.returncode == 0, done.stderr
    size = (big / name).stat().st_size
    (big / name).write_text("the old content\n")
    before = snapshot(big)
    done = run(*argv, cwd=big, fsize=size // 2)
    assert done.returncode == 2, done.stderr
    assert_cli_error(done.stderr, f"ngramkit {argv[0]}", f"{option} {name}: cannot write: File too large", usage=False)
    assert snapshot(big) == before


def test_full_disk_while_spooling_stdin(big):
    spool = big / "spool"
    spool.mkdir()
    with open(big / "big.txt") as stdin:
        done = run("score", "--hyp", "-", "--ref", "big.txt", "--metrics", "bleu", cwd=big, stdin=stdin,
                   fsize=1 << 16, env={**ENV, "TMPDIR": str(spool)})
    assert done.returncode == 2, done.stderr
    assert_cli_error(done.stderr, "ngramkit score", "--hyp -: cannot copy stdin to ", usage=False)
    assert "File too large" in done.stderr
    assert list(spool.iterdir()) == []


@pytest.mark.parametrize("argv", [["score", "--hyp", "p.txt", "--ref", "r.txt"],
                                  ["rouge", "-p", "p.txt", "-r", "r.txt"],
                                  ["compare", "p.txt", "r.txt", "--ref", "r.txt", "--n-samples", "10"],
                                  ["demo", "--json"]], ids=lambda a: a[0])
def test_full_stdout(d, argv):
    with open("/dev/full", "w") as full:
        done = run(*argv, cwd=d, stdout=full)
    assert done.returncode == 2, done.stderr
    assert_cli_error(done.stderr, f"ngramkit {argv[0]}", "stdout: cannot write: No space left on device", usage=False)


@pytest.mark.parametrize("argv", [["score", "--hyp", "p.txt", "--ref", "r.txt", "--per-pair", "no/such/out.tsv"],
                                  ["compare", "p.txt", "r.txt", "--ref", "r.txt", "--report", "no/such/out.html"]],
                         ids=lambda a: a[0])
def test_output_in_a_missing_directory(d, argv):
    done = run(*argv, "--metrics", "bleu", cwd=d)
    assert done.returncode == 2, done.stderr
    assert_cli_error(done.stderr, f"ngramkit {argv[0]}", f"{argv[-1]}: cannot create a file in ", usage=False)
    assert "No such file or directory" in done.stderr


# ---- 3. signals ---------------------------------------------------------------------------------

SIGNALS = {"SIGINT": (signal.SIGINT, 130), "SIGTERM": (signal.SIGTERM, 143)}


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    """300,000 pairs: scoring them takes seconds, long enough to be interrupted."""
    d = tmp_path_factory.mktemp("huge")
    (d / "hyp.txt").write_text(texts(300_000, 7))
    (d / "ref.txt").write_text(texts(300_000, 8))
    return d


def _wait_for(condition, proc, timeout=60.0):
    end = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, f"ended before the signal: {proc.returncode} {proc.stderr.read()}"
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def _blocked_on_stdin(proc) -> bool:
    """The process waits in read(2) on its stdin pipe (by /proc; after 2 s where it cannot say)."""
    try:
        return "pipe" in Path(f"/proc/{proc.pid}/wchan").read_text()
    except OSError:
        time.sleep(2)
        return True


def _stopped(proc, status: int, prog: str) -> None:
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == status, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: interrupted"), err


@pytest.mark.parametrize("name", SIGNALS)
def test_signal_while_writing_per_pair(huge, tmp_path, name):
    signum, status = SIGNALS[name]
    (tmp_path / "out.tsv").write_text("the old content\n")
    before = snapshot(tmp_path), snapshot(huge)
    proc = start("score", "--hyp", "hyp.txt", "--ref", "ref.txt", "--metrics", "rouge,chrf", "--chunk-size", "2000",
                 "--per-pair", tmp_path / "out.tsv", cwd=huge)
    _wait_for(lambda: any(p.name.startswith(".ngramkit-") for p in tmp_path.iterdir()), proc)
    proc.send_signal(signum)
    _stopped(proc, status, "ngramkit score")
    assert (snapshot(tmp_path), snapshot(huge)) == before


@pytest.mark.parametrize("name", SIGNALS)
def test_signal_while_spooling_stdin(tmp_path, name):
    signum, status = SIGNALS[name]
    (tmp_path / "r.txt").write_text("a b\n")
    proc = start("score", "--hyp", "-", "--ref", "r.txt", cwd=tmp_path, stdin=subprocess.PIPE,
                 env={**ENV, "TMPDIR": str(tmp_path)})
    proc.stdin.write("a b\n")
    proc.stdin.flush()
    _wait_for(lambda: any(p.name.startswith("ngramkit-stdin-") for p in tmp_path.iterdir()), proc)
    _wait_for(lambda: _blocked_on_stdin(proc), proc)
    proc.send_signal(signum)
    _stopped(proc, status, "ngramkit score")
    proc.stdin.close()
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]


@pytest.mark.parametrize("name", SIGNALS)
@pytest.mark.parametrize("argv", [["rouge", "-p", "-", "-r", "r.txt"], ["compare", "-", "r.txt", "--ref", "r.txt"]],
                         ids=lambda a: a[0])
def test_signal_in_every_command(tmp_path, argv, name):
    signum, status = SIGNALS[name]
    (tmp_path / "r.txt").write_text("a b\n")
    proc = start(*argv, cwd=tmp_path, stdin=subprocess.PIPE)
    _wait_for(lambda: _blocked_on_stdin(proc), proc)
    proc.send_signal(signum)
    _stopped(proc, status, f"ngramkit {argv[0]}")
    proc.stdin.close()


def test_main_restores_the_signal_handlers(d, monkeypatch, capsys):
    """In-process callers (tests, notebooks) get their handlers back, after success or an error."""
    from ngramkit.cli.main import main

    monkeypatch.chdir(d)
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    assert main(["score", "--hyp", "p.txt", "--ref", "r.txt", "--metrics", "bleu"]) == 0
    with pytest.raises(SystemExit):
        main(["score", "--hyp", "missing.txt", "--ref", "r.txt"])
    assert {s: signal.getsignal(s) for s in before} == before
    assert "missing.txt: cannot read" in capsys.readouterr().err


# ---- 11. usage errors ---------------------------------------------------------------------------

USAGE_ERRORS = [
    (["score", "--hyp", "p.txt", "--ref", "r.txt", "--chunk-size", "x"], "ngramkit score", "--chunk-size"),
    (["score", "--format", "xml"], "ngramkit score", "--format: invalid choice"),
    (["score", "--hyp", "p.txt"], "ngramkit score", "--ref is required"),
    (["compare", "p.txt", "r.txt"], "ngramkit compare", "the following arguments are required: --ref"),
    (["compare", "p.txt", "r.txt", "--ref", "r.txt", "--paired-bs", "--paired-ar"], "ngramkit compare",
     "not allowed with argument"),
    (["rouge", "-p", "p.txt"], "ngramkit rouge", "required: --references"),
    (["rouge", "-p", "p.txt", "-r", "r.txt", "--bootstrap", "-1"], "ngramkit rouge", "--bootstrap"),
    (["rouge", "-p", "p.txt", "-r", "r.txt", "--rouge-types", "rouge0"], "ngramkit rouge", "rouge0"),
    (["demo", "--seed", "x"], "ngramkit demo", "--seed"),
    (["bogus"], "ngramkit", "invalid choice: 'bogus'"),
    ([], "ngramkit", "required: command"),
]


@pytest.mark.parametrize("argv,prog,message", USAGE_ERRORS, ids=[" ".join(a) or "(none)" for a, _, _ in USAGE_ERRORS])
def test_usage_errors_are_one_line_and_a_pointer(d, argv, prog, message):
    done = run(*argv, cwd=d)
    assert done.returncode == 2, done.stderr
    assert_cli_error(done.stderr, prog, message, usage=True)


def test_help_is_still_whole(d):
    done = run("compare", "--help", cwd=d)
    assert done.returncode == 0 and "usage: ngramkit compare" in done.stdout and "--report" in done.stdout


# ---- 12. output modes ---------------------------------------------------------------------------

@pytest.mark.parametrize("case", OUTPUT_CASES)
@pytest.mark.parametrize("umask", [0o022, 0o027, 0o000])
def test_new_output_honours_the_umask(d, case, umask):
    argv, name, _ = _output_argv(case, "p.txt")
    done = run(*argv, cwd=d, umask=umask)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((d / name).stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("case", OUTPUT_CASES)
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_replaced_output_keeps_its_mode(d, case, mode):
    argv, name, _ = _output_argv(case, "p.txt")
    (d / name).write_text("old\n")
    os.chmod(d / name, mode)
    done = run(*argv, cwd=d, umask=0o077)
    assert done.returncode == 0, done.stderr
    assert (d / name).read_bytes() != b"old\n"
    assert stat.S_IMODE((d / name).stat().st_mode) == mode


def test_output_through_a_symlink_replaces_its_target(d):
    (d / "real.tsv").write_text("old\n")
    os.chmod(d / "real.tsv", 0o640)
    os.symlink("real.tsv", d / "link.tsv")
    done = run("score", "--hyp", "p.txt", "--ref", "r.txt", "--metrics", "bleu", "--per-pair", "link.tsv", cwd=d)
    assert done.returncode == 0, done.stderr
    assert (d / "link.tsv").is_symlink() and (d / "real.tsv").read_text().startswith("pair\tbleu\n")
    assert stat.S_IMODE((d / "real.tsv").stat().st_mode) == 0o640
