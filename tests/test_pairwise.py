"""Score matrices, MBR, self-BLEU and near-duplicates against sacrebleu, rouge-score and NLTK."""
import numpy as np
import pytest

sacrebleu = pytest.importorskip("sacrebleu")
rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")

from ngramkit.compat.self_bleu import self_bleu
from ngramkit.pipelines.pairwise import mbr, near_duplicates, pairwise

HYPS = ["the cat sat on the mat", "a dog barked at the cat", "hello world", "the cat sat"]
REFS = ["the cat is on the mat", "dogs bark loudly", "the cat sat on a mat"]


def test_chrf_and_chrf_plus_plus_cells_equal_sacrebleu():
    for word_order in (0, 2):
        got = pairwise(HYPS, REFS, "chrf", word_order=word_order)
        want = [[sacrebleu.sentence_chrf(h, [r], word_order=word_order).score for r in REFS] for h in HYPS]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_bleu_cells_equal_sacrebleu_sentence_bleu():
    got = pairwise(HYPS, REFS, "bleu")
    want = [[sacrebleu.sentence_bleu(h, [r]).score for r in REFS] for h in HYPS]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", ["rouge1", "rouge2", "rougeL"])
def test_rouge_cells_equal_rouge_score(name):
    scorer = rouge_scorer.RougeScorer([name])
    got = pairwise(HYPS, None, name)
    want = [[scorer.score(target=r, prediction=h)[name].fmeasure for r in HYPS] for h in HYPS]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_ter_cells_equal_sacrebleu_and_mbr_minimises_mean_ter():
    from sacrebleu.metrics.ter import TER

    got = pairwise(HYPS, REFS, "ter", normalized=True)
    metric = TER(normalized=True)
    assert got.tolist() == [[metric.sentence_score(h, [r]).score for r in REFS] for h in HYPS]
    matrix = [[TER().sentence_score(h, [r]).score for r in HYPS] for h in HYPS]
    assert mbr([HYPS], metric="ter").indices[0] == int(np.argmin(np.mean(matrix, axis=1)))
    with pytest.raises(ValueError, match="error rate"):
        near_duplicates(HYPS, metric="ter")


def test_mbr_picks_argmax_of_mean_with_self_pairs():
    result = mbr([HYPS])
    matrix = [[sacrebleu.sentence_chrf(h, [r]).score for r in HYPS] for h in HYPS]
    assert result.indices[0] == int(np.argmax(np.mean(matrix, axis=1)))


def test_self_bleu_equals_nltk():
    bleu_score = pytest.importorskip("nltk.translate.bleu_score")
    tokens = [h.split() for h in HYPS]
    smooth = bleu_score.SmoothingFunction().method1
    want = np.mean([bleu_score.sentence_bleu(tokens[:i] + tokens[i + 1:], tokens[i], smoothing_function=smooth)
                    for i in range(len(tokens))])
    assert self_bleu(HYPS) == pytest.approx(want, abs=1e-12)


def test_near_duplicates_in_order():
    kept, _ = near_duplicates(HYPS + HYPS[:2], threshold=0.7)
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    texts, want = HYPS + HYPS[:2], []
    for i, t in enumerate(texts):
        if all(scorer.score(texts[k], t)["rougeL"].fmeasure < 0.7 for k in want):
            want.append(i)
    assert kept.tolist() == want


def test_bad_input():
    assert pairwise([], REFS).shape == (0, 3)
    assert pairwise(HYPS, []).shape == (4, 0)
    with pytest.raises(ValueError, match="metric"):
        pairwise(HYPS, REFS, "nope")
    with pytest.raises(TypeError, match="word_order"):
        pairwise(HYPS, REFS, "bleu", word_order=2)
