"""Drop-in for jiwer 4.0's measures, computed by ngramkit's kernels.

Swap ``import jiwer`` for ``from ngramkit.compat import jiwer``: ``wer``, ``mer``, ``wil``,
``wip``, ``cer``, ``process_words`` and ``process_characters`` take jiwer's arguments
(**reference first**, a str or a list of str each) and return jiwer's numbers and fields —
``process_*`` outputs carry ``references``, ``hypotheses``, ``alignments`` (lists of
:class:`AlignmentChunk`, the same chunks jiwer builds from rapidfuzz's opcodes) and the counts.

``reference_transform`` / ``hypothesis_transform``: jiwer's defaults (``wer_default`` for words,
``cer_default`` for characters, or a ``Compose`` of the same steps) run natively; any other
jiwer transform is applied as given, in Python, and the resulting words are aligned natively.
jiwer itself is only needed for such custom transforms and for :func:`visualize_alignment`.

As in jiwer 4.0.0, empty references are accepted (no exception): see
:mod:`ngramkit.metrics.error_rates` for the rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List

import numpy as np

from ..ingest.inputs import text_buffers
from ..ingest.threads import resolve_threads
from ..metrics.error_rates import jiwer_measures

__all__ = ["AlignmentChunk", "WordOutput", "CharacterOutput", "wer", "mer", "wil", "wip", "cer", "process_words",
           "process_characters", "visualize_alignment", "DEFAULT"]

#: stands for jiwer's default transform of the function (``wer_default`` / ``cer_default``)
DEFAULT = None
_WORDS, _CHARS = 0, 1
_TAGS = ("equal", "substitute", "insert", "delete")  # opcode type codes of the kernel
_MULTISPACE = re.compile(r"\s\s+")


@dataclass
class AlignmentChunk:
    """jiwer's alignment chunk: ``type`` is ``equal``, ``substitute``, ``insert`` or ``delete``;
    reference[ref_start_idx:ref_end_idx] against hypothesis[hyp_start_idx:hyp_end_idx]."""

    type: str
    ref_start_idx: int
    ref_end_idx: int
    hyp_start_idx: int
    hyp_end_idx: int


@dataclass
class WordOutput:
    """jiwer's ``WordOutput``: processed sentences (lists of words), alignments, measures, counts."""

    references: List[List[str]]
    hypotheses: List[List[str]]
    alignments: List[List[AlignmentChunk]]
    wer: float
    mer: float
    wil: float
    wip: float
    hits: int
    substitutions: int
    insertions: int
    deletions: int


@dataclass
class CharacterOutput:
    """jiwer's ``CharacterOutput``: processed sentences (lists of characters), alignments, CER, counts."""

    references: List[List[str]]
    hypotheses: List[List[str]]
    alignments: List[List[AlignmentChunk]]
    cer: float
    hits: int
    substitutions: int
    insertions: int
    deletions: int


def _as_sentences(value: Any, name: str) -> list:
    """jiwer's accepted input: a str (one sentence) or a list of str; an empty list is one empty
    sentence, as jiwer's Reduce* transforms make it."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise TypeError(f"{name}: expected a str or a list of str, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise TypeError(f"{name}[{i}]: expected a str, got {type(item).__name__}")
    return value if value else [""]


def _native_unit(transform: Any, unit: int) -> int | None:
    """The kernel's unit if ``transform`` is jiwer's default for ``unit`` (or DEFAULT), else None."""
    if transform is None:
        return unit
    steps = getattr(transform, "transforms", None)
    if not isinstance(steps, list) or type(transform).__name__ != "Compose":
        return None
    names = [(type(t).__module__, type(t).__name__) for t in steps]
    if not all(module.startswith("jiwer.") for module, _ in names):
        return None
    kinds = [name for _, name in names]
    if kinds == ["RemoveMultipleSpaces", "Strip", "ReduceToListOfListOfWords"] and steps[2].word_delimiter == " ":
        return _WORDS
    if kinds == ["Strip", "ReduceToListOfListOfChars"]:
        return _CHARS
    return None


def _default_units(sentence: str, unit: int) -> list:
    """The words (or characters) jiwer's default transform makes of one sentence."""
    if unit == _CHARS:
        return list(sentence.strip())
    return [w for w in _MULTISPACE.sub(" ", sentence).strip().split(" ") if w]


def _applied(transform: Any, sentences: list, is_reference: bool) -> list:
    """A custom jiwer transform applied as jiwer applies it, checked as jiwer checks it."""
    out = transform(sentences)
    if not (isinstance(out, list) and all(isinstance(e, list) and all(isinstance(s, str) for s in e) for e in out)):
        side = "reference" if is_reference else "hypothesis"
        raise ValueError(f"After applying the transformation, each {side} should be a list of strings, with each "
                         "string being a single word or character. Please ensure the given transformation reduces "
                         "the input to a list of list strings.")
    return out


def _id_batch(rows: list, word2id: dict) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(rows) + 1, np.int64)
    offsets[1:] = np.cumsum([len(r) for r in rows])
    ids = np.fromiter((word2id.setdefault(w, len(word2id)) for r in rows for w in r), np.int32, int(offsets[-1]))
    return ids, offsets


class _Prepared:
    """Both sides ready for the kernel: as text (native default transform) or as word-id rows."""

    def __init__(self, reference, hypothesis, reference_transform, hypothesis_transform, unit: int, threads):
        self.unit, self.threads = unit, resolve_threads(threads)
        native = _native_unit(reference_transform, unit), _native_unit(hypothesis_transform, unit)
        # a custom transform sees the argument as given (a str or a list), as in jiwer
        refs = _as_sentences(reference, "reference") if native[0] is not None else reference
        hyps = _as_sentences(hypothesis, "hypothesis") if native[1] is not None else hypothesis
        if native[0] is not None and native[0] == native[1]:
            self.unit, self.text = native[0], (refs, hyps)
            self.ref_units = self.hyp_units = None
        else:
            self.text = None
            self.ref_units = ([_default_units(s, native[0]) for s in refs] if native[0] is not None
                              else _applied(reference_transform, refs, True))
            self.hyp_units = ([_default_units(s, native[1]) for s in hyps] if native[1] is not None
                              else _applied(hypothesis_transform, hyps, False))
        n_ref = len(self.text[0]) if self.text else len(self.ref_units)
        n_hyp = len(self.text[1]) if self.text else len(self.hyp_units)
        if n_ref != n_hyp:
            raise ValueError("After applying the transforms on the reference and hypothesis sentences, their lengths "
                             f"must match. Instead got {n_ref} reference and {n_hyp} hypothesis sentences.")

    def _kernel_args(self) -> tuple:
        if self.text:
            refs, hyps = self.text
            return (*text_buffers(hyps, "hypothesis", self.threads), *text_buffers(refs, "reference", self.threads),
                    self.unit, self.threads)
        word2id: dict = {}
        ref_batch = _id_batch(self.ref_units, word2id)
        return (*_id_batch(self.hyp_units, word2id), *ref_batch, self.threads)

    def counts(self) -> np.ndarray:
        """int64 (n, 5): hits, substitutions, deletions, insertions, reference length."""
        from .. import _core

        return (_core.error_rate_text if self.text else _core.error_rate_ids)(*self._kernel_args())

    def opcodes(self) -> tuple[np.ndarray, np.ndarray]:
        from .. import _core

        return (_core.edit_opcodes_text if self.text else _core.edit_opcodes_ids)(*self._kernel_args())

    def units(self) -> tuple[list, list]:
        if self.text:
            refs, hyps = self.text
            return [_default_units(s, self.unit) for s in refs], [_default_units(s, self.unit) for s in hyps]
        return self.ref_units, self.hyp_units


def _measures(summed) -> tuple:
    h, s, d, i, ref_len = (int(x) for x in summed)
    return jiwer_measures(h, s, d, i, ref_len, h + s + i)


def _summed(counts: np.ndarray) -> np.ndarray:
    return counts.sum(axis=0) if len(counts) else np.zeros(5, np.int64)


def _measure_function(index: int, name: str, doc: str, unit: int = _WORDS):
    """One of jiwer's measure functions: ``name(reference, hypothesis, reference_transform,
    hypothesis_transform)`` -> measure ``index`` of (rate, mer, wil, wip)."""

    def measure(reference=None, hypothesis=None, reference_transform=DEFAULT, hypothesis_transform=DEFAULT, *,
                threads: int | None = None) -> float:
        prepared = _Prepared(reference, hypothesis, reference_transform, hypothesis_transform, unit, threads)
        return _measures(_summed(prepared.counts()))[index]

    measure.__name__ = measure.__qualname__ = name
    measure.__doc__ = doc
    return measure


wer = _measure_function(0, "wer", "jiwer.wer: word error rate of ``hypothesis`` against ``reference`` (str or "
                                  "list of str each, reference first).")
mer = _measure_function(1, "mer", "jiwer.mer: match error rate.")
wil = _measure_function(2, "wil", "jiwer.wil: word information lost.")
wip = _measure_function(3, "wip", "jiwer.wip: word information preserved.")
cer = _measure_function(0, "cer", "jiwer.cer: character error rate (spaces count as characters, as in jiwer).",
                        _CHARS)


def _processed(reference, hypothesis, reference_transform, hypothesis_transform, unit: int, threads):
    prepared = _Prepared(reference, hypothesis, reference_transform, hypothesis_transform, unit, threads)
    rows, offsets = prepared.opcodes()
    refs, hyps = prepared.units()
    chunks = [AlignmentChunk(_TAGS[t], a, b, c, d) for t, a, b, c, d in rows.tolist()]
    bounds = offsets.tolist()
    alignments = [chunks[bounds[k]:bounds[k + 1]] for k in range(len(bounds) - 1)]
    ref_span, hyp_span = rows[:, 2] - rows[:, 1], rows[:, 4] - rows[:, 3]
    h, s, i, d = (int((hyp_span if t == 2 else ref_span)[rows[:, 0] == t].sum()) for t in range(4))
    ref_len = sum(len(r) for r in refs)
    return refs, hyps, alignments, (h, s, d, i, ref_len)


def process_words(reference=None, hypothesis=None, reference_transform=DEFAULT, hypothesis_transform=DEFAULT, *,
                  threads: int | None = None) -> WordOutput:
    """jiwer.process_words: the words, alignments, measures and counts of every pair."""
    refs, hyps, alignments, (h, s, d, i, ref_len) = _processed(reference, hypothesis, reference_transform,
                                                               hypothesis_transform, _WORDS, threads)
    w, m, l, p = jiwer_measures(h, s, d, i, ref_len, h + s + i)
    return WordOutput(refs, hyps, alignments, w, m, l, p, h, s, i, d)


def process_characters(reference=None, hypothesis=None, reference_transform=DEFAULT,
                       hypothesis_transform=DEFAULT, *, threads: int | None = None) -> CharacterOutput:
    """jiwer.process_characters: the characters, alignments, CER and counts of every pair."""
    refs, hyps, alignments, (h, s, d, i, ref_len) = _processed(reference, hypothesis, reference_transform,
                                                               hypothesis_transform, _CHARS, threads)
    return CharacterOutput(refs, hyps, alignments, jiwer_measures(h, s, d, i, ref_len, h + s + i)[0], h, s, i, d)


def visualize_alignment(output, show_measures: bool = True, skip_correct: bool = True, line_width=None) -> str:
    """jiwer.visualize_alignment of a :func:`process_words` / :func:`process_characters` output
    (rendered by jiwer itself, which must be installed)."""
    import jiwer

    def chunks(rows):
        return [[jiwer.AlignmentChunk(c.type, c.ref_start_idx, c.ref_end_idx, c.hyp_start_idx, c.hyp_end_idx)
                 for c in row] for row in rows]

    fields = {k: v for k, v in vars(output).items() if k != "alignments"}
    kind = jiwer.CharacterOutput if isinstance(output, CharacterOutput) else jiwer.WordOutput
    return jiwer.visualize_alignment(kind(alignments=chunks(output.alignments), **fields), show_measures,
                                     skip_correct, line_width)
