"""Sentiment n-gram stack members: NB log-count ratio, jieba word n-grams, fitting in a second process."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from crm_insights.analytics import sentiment as S
from crm_insights.analytics import sentiment_ngrams as N
from crm_insights.analytics.sentiment.stack import _stack_features

POS = ["快递很快，非常满意", "客服态度很好", "质量很好，推荐", "退款很快到账", "很喜欢，好评", "服务周到，满意"]
NEG = ["快递太慢了，失望", "客服态度很差", "质量太差，不推荐", "退款一直不到账", "很失望，差评", "服务太差，生气"]


def test_log_count_ratio_weights_features_by_class() -> None:
    # feature 0 only in class 1, feature 1 only in class 0, feature 2 in both equally
    x = sparse.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]], dtype=float))
    t = N.LogCountRatio(alpha=1.0).fit(x, [1, 1, 0, 0])
    r = t.r_
    assert r[0] > 0 > r[1] and abs(r[2]) < 1e-9 and np.isclose(r[0], -r[1])
    assert np.allclose(t.transform(x).toarray(), x.toarray() * r)
    with pytest.raises(ValueError, match="two classes"):
        N.LogCountRatio().fit(x, [0, 0, 0, 0])


def test_word_ngrams_are_jieba_words_and_bigrams() -> None:
    grams = N.word_ngrams("快递 太慢了")
    words = [g for g in grams if " " not in g]
    assert "快递" in words and "".join(words) == "快递太慢了"
    assert len(grams) == 2 * len(words) - 1 and f"{words[0]} {words[1]}" in grams


def test_after_contrast_is_the_part_after_the_last_contrast_word() -> None:
    assert N.after_contrast("质量不错，但是发货太慢了") == "发货太慢了"
    assert N.after_contrast("价格便宜，可是用了两天就坏，不过客服给换了") == "客服给换了"
    assert N.after_contrast("Fast shipping, but the box was crushed") == "the box was crushed"
    assert N.after_contrast("质量很好，推荐") == "" and N.after_contrast("Butter arrived fresh") == ""


def test_analyzers_mark_the_tail_after_a_contrast_word() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    plain = "质量很好，推荐"
    # Without a contrast word: exactly scikit-learn's char 1-3 grams, nothing marked.
    builtin = CountVectorizer(analyzer="char", ngram_range=(1, 3)).build_analyzer()
    assert sorted(N.char_ngrams("Good  质量")) == sorted(builtin("Good  质量"))
    assert not any(g.startswith(N.TAIL_MARK) for g in N.char_ngrams(plain) + N.word_ngrams(plain))
    # The same words in the other order differ only in what is marked: the tail, where the verdict is.
    a, b = N.char_ngrams("质量很好，但是发货太慢"), N.char_ngrams("发货太慢，但是质量很好")
    assert N.TAIL_MARK + "太慢" in a and N.TAIL_MARK + "很好" in b and N.TAIL_MARK + "太慢" not in b
    assert [g for g in a if not g.startswith(N.TAIL_MARK)] != [] and set(a) != set(b)
    words = N.word_ngrams("质量很好，但是发货太慢")
    assert N.TAIL_MARK + "发货" in words and "质量" in words


def test_char_tfidf_lr_reads_1_to_4_grams_with_the_marked_tail() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    builtin = CountVectorizer(analyzer="char", ngram_range=(1, 4)).build_analyzer()
    assert sorted(N.char_ngrams_1_4("Good  质量")) == sorted(builtin("Good  质量"))
    grams = N.char_ngrams_1_4("质量很好，但是发货太慢")
    assert "发货太慢" in grams and N.TAIL_MARK + "发货太慢" in grams
    member = N.make_member("char_tfidf_lr", 3)
    assert member.steps[0][1].analyzer is N.char_ngrams_1_4 and member.steps[1][1].C == 8.0


def test_members_learn_which_side_of_a_contrast_carries_the_verdict() -> None:
    """Praise-then-complaint and complaint-then-praise share their n-grams; only the marked tail tells them apart."""
    goods, bads = ["质量很好", "客服热情", "包装精美", "价格便宜"], ["发货太慢", "做工粗糙", "退款不到账", "态度冷淡"]
    texts, y = [], []
    for g in goods:
        for b in bads:
            if (g, b) != (goods[0], bads[0]):  # the pair probed below is never seen together
                texts += [f"{g}，但是{b}", f"{b}，但是{g}", g, b]
                y += [0, 1, 1, 0]
    # Another contrast word, no comma: no n-gram across the join was seen, so only the marked tail tells.
    probe = [f"{goods[0]}不过{bads[0]}", f"{bads[0]}不过{goods[0]}"]
    for name in N.MEMBERS:
        m = N.make_member(name, 2).fit(texts, y)
        assert m.predict(probe).tolist() == [0, 1], name
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    unmarked = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2),
        LogisticRegression(C=4.0, max_iter=2000),
    ).fit(texts, y)
    p = unmarked.predict_proba(probe)[:, 1]
    assert abs(p[0] - p[1]) < 1e-6  # the plain char n-grams of the two orders are the same bag


def test_members_fit_in_a_second_process_like_in_process() -> None:
    texts, y = (POS + NEG) * 2, ([1] * len(POS) + [0] * len(NEG)) * 2
    here = N.start_fit(N.MEMBERS, texts, y, 2, background=False).result()
    there = N.start_fit(N.MEMBERS, texts, y, 2, background=True).result()
    assert list(here) == list(there) == ["char_tfidf_lr", "nb_lr"]
    probe = ["物流很快，满意", "太差了，失望"]
    for name in here:
        assert np.allclose(here[name].predict_proba(probe), there[name].predict_proba(probe))
        assert here[name].predict(probe).tolist() == [1, 0]
    with pytest.raises(ValueError, match="unknown stack member"):
        N.make_member("bert", 2)


def test_stack_from_an_old_artifact_still_predicts() -> None:
    """Artifacts saved before the multi-member stack hold {"ngram": model, "stacker": lr} over two log-prob pairs."""
    from sklearn.linear_model import LogisticRegression

    texts, y = (POS + NEG) * 2, ([1] * len(POS) + [0] * len(NEG)) * 2
    ngram = N.make_member("char_tfidf_lr", 2).fit(texts, y)
    enc = np.tile([[0.3, 0.7]], (len(texts), 1)).astype(np.float32)
    stacker = LogisticRegression().fit(_stack_features(enc, [ngram.predict_proba(texts)]), y)
    old = {"ngram": ngram, "stacker": stacker}
    assert list(S.stack_members(old)) == ["char_tfidf_lr"]
    probs = S.stacked_probabilities(old, ["质量很好，推荐", "质量太差"], enc[:2])
    assert probs.shape == (2, 2) and probs[0, 1] > probs[1, 1]


NEU = ["请问什么时候发货", "请问能开发票吗", "订单已经发货了", "请问有没有大一号的", "快递到哪里了", "请帮我改一下地址"]


def test_both_members_learn_three_classes() -> None:
    """With a neutral class nb_lr is one NB-weighted regression per class against the rest."""
    texts = (POS + NEG + NEU) * 2
    y = ([2] * len(POS) + [0] * len(NEG) + [1] * len(NEU)) * 2
    members = N.fit_members(N.MEMBERS, texts, y, 3)
    assert list(members) == ["char_tfidf_lr", "nb_lr"]
    probe = ["快递很快，满意", "请问什么时候能发货", "质量太差，失望"]
    for name, m in members.items():
        probs = m.predict_proba(probe)
        assert probs.shape == (3, 3) and np.allclose(probs.sum(1), 1.0), name
        assert probs.argmax(1).tolist() == [2, 1, 0], name
