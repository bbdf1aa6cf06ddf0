"""ngramkit.integrations.trl: rewards in TRL's reward_funcs shape equal the per-pair scores of the
public API (tested against rouge-score / sacrebleu elsewhere), for text, conversational
completions and token ids. TRL itself is not installed (it needs torch); the functions are
called the way GRPOTrainer calls them: keyword arguments, dataset columns as lists."""
from __future__ import annotations

import pytest

import ngramkit
from ngramkit.integrations import trl

COMPLETIONS = ["the cat sat on the mat", "a dog ran", "", "blue red blue red"]
REFERENCES = ["the cat sat on a mat", ["dog ran fast", "a dog ran"], "nothing here", "red blue"]


def _call(reward, completions=COMPLETIONS, **extra):
    return reward(prompts=["p"] * len(completions), completions=completions, reference=REFERENCES,
                  trainer_state=None, **extra)


def test_text_rewards_equal_the_api():
    got = _call(trl.rouge_reward())
    assert got == ngramkit.rouge(COMPLETIONS, REFERENCES, rouge_types=["rougeL"])["rougeL"].fmeasure.tolist()
    assert all(type(v) is float for v in got)
    r2 = _call(trl.rouge_reward(rouge_type="rouge2", measure="recall", use_stemmer=True))
    want = ngramkit.rouge(COMPLETIONS, REFERENCES, rouge_types=["rouge2"], use_stemmer=True)["rouge2"].recall
    assert r2 == want.tolist()
    assert _call(trl.bleu_reward()) == (ngramkit.sentence_bleu(COMPLETIONS, REFERENCES) / 100).tolist()
    assert _call(trl.bleu_reward(percent=True)) == ngramkit.sentence_bleu(COMPLETIONS, REFERENCES).tolist()
    assert _call(trl.chrf_reward(word_order=2)) == (ngramkit.sentence_chrf(COMPLETIONS, REFERENCES, word_order=2)
                                                    / 100).tolist()
    ter = ngramkit.sentence_ter(COMPLETIONS, REFERENCES)
    assert _call(trl.ter_reward()) == (-(ter / 100)).tolist()
    assert _call(trl.ter_reward(percent=True)) == (-ter).tolist()
    assert trl.rouge_reward().__name__ == "rougeL_fmeasure" and trl.ter_reward().__name__ == "negative_ter"


def test_conversational_and_token_ids():
    conversational = [[{"role": "assistant", "content": c}] for c in COMPLETIONS]
    assert _call(trl.chrf_reward(), completions=conversational) == _call(trl.chrf_reward())
    ids = [[5, 6, 7, 5], [1, 2], [], [9]]
    ref_ids = [[5, 6, 8], [[2, 1], [1, 2, 3]], [4], [9, 9]]
    for reward, want in ((trl.rouge_reward("ref_ids", token_ids=True),
                          ngramkit.rouge(ids, ref_ids, rouge_types=["rougeL"])["rougeL"].fmeasure),
                         (trl.bleu_reward("ref_ids", token_ids=True), ngramkit.sentence_bleu(ids, ref_ids) / 100),
                         (trl.ter_reward("ref_ids", token_ids=True), -(ngramkit.sentence_ter(ids, ref_ids) / 100))):
        got = reward(completions=["ignored"] * 4, completion_ids=ids, ref_ids=ref_ids)
        assert got == want.tolist()


def test_bad_input():
    with pytest.raises(KeyError, match="'summary'"):
        _call(trl.rouge_reward("summary"))
    with pytest.raises(ValueError, match="completion_ids"):
        _call(trl.bleu_reward(token_ids=True))
    with pytest.raises(ValueError, match="2 references for 4"):
        trl.bleu_reward()(completions=COMPLETIONS, reference=REFERENCES[:2])
    with pytest.raises(TypeError, match="completions"):
        trl.bleu_reward()(completions=[3], reference=["x"])
    with pytest.raises(ValueError, match="measure"):
        trl.rouge_reward(measure="f1")
    with pytest.raises(ValueError):
        trl.rouge_reward(rouge_type="rouge0")
