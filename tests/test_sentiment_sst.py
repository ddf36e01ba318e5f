"""The Stanford Sentiment Treebank reader, the de-duplicated training data, the made-up
contrast and negation examples, and the order-aware model's layers (attention pooling)."""

import gzip

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from core.sentiment import data, sst

TREE = "(3 (2 It) (4 (2 (2 is) (2 n't)) (4 (1 -LRB-) (4 (3 co-writer\\/director) (4 great)))))"


def test_parse_tree_gives_every_node_a_labelled_phrase():
    phrases = sst.parse_tree(TREE)
    # a binary tree with n leaves has 2n - 1 nodes: 6 leaves here
    assert len(phrases) == 11
    root = phrases[0]
    assert root.is_sentence and root.label == 3 and root.binary == 1
    assert sum(phrase.is_sentence for phrase in phrases) == 1
    by_text = {phrase.text: phrase.label for phrase in phrases}
    # escapes undone, the clitic glued back to its word, as people type it
    assert root.text == "It isn't ( co-writer/director great"
    assert by_text["isn't"] == 2
    assert by_text["("] == 1
    assert by_text["co-writer/director great"] == 4
    assert by_text["co-writer/director"] == 3


def test_binary_view_drops_neutral():
    assert [sst.binary_label(label) for label in range(5)] == [0, 0, None, 1, 1]


@pytest.mark.parametrize("line", ["(3 (2 It)", "(x (2 It))", "(2 a) (2 b)", ""])
def test_parse_tree_refuses_broken_lines(line):
    with pytest.raises(ValueError):
        sst.parse_tree(line)


def test_unescape_and_join():
    assert sst.unescape("-LRB-") == "(" and sst.unescape("-RRB-") == ")"
    assert sst.unescape("1\\/2") == "1/2" and sst.unescape("\\*") == "*"
    assert sst.join_tokens(["it", "'s", "not", "bad", ",", "is", "it", "?"]) == (
        "it's not bad, is it?"
    )


def test_match_key_ignores_case_accents_spacing_and_punctuation():
    assert sst.match_key("Clichés , -- Yes !") == sst.match_key("cliches, yes")
    assert sst.match_key("It 's good") != sst.match_key("It's bad")


def test_bundled_trees_have_the_published_split_sizes():
    assert len(sst.read_split("dev")) == 1_101
    texts, labels = sst.binary_sentences("dev")
    assert len(texts) == len(labels) == 872  # SST-2 dev, neutral dropped


def write_trees(directory, split: str, lines: list[str]) -> None:
    with gzip.open(directory / f"{split}.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def test_training_corpus_drops_rotten_tomatoes_sentences_seen_in_sst_dev_or_test(
    tmp_path, monkeypatch
):
    write_trees(tmp_path, "train", ["(4 (3 A) (4 triumph))", "(0 (2 A) (0 (1 dull) (2 mess)))"])
    write_trees(tmp_path, "dev", ["(1 (2 Meh) (1 .))"])
    # the test sentence is one of the Rotten Tomatoes sentences, tokenised the SST way
    write_trees(tmp_path, "test", ["(4 (4 (3 a) (4 joy)) (2 .))"])
    rotten = pd.DataFrame(
        {
            "text": ["a joy .", "meh.", "a joy, really", "A triumph", "truly awful"],
            "label": [1, 0, 1, 1, 0],
            "source": "rotten_tomatoes",
        }
    )
    monkeypatch.setattr(data, "read_corpus", lambda: rotten)
    split = data.Split(["a good film"], np.array([1]), [], np.array([]), [], np.array([]), "")
    corpus = data.training_corpus(split, sst_directory=tmp_path)
    keys = {sst.match_key(text) for text in corpus.texts}
    # equal to a test and a dev sentence: dropped; "A triumph" is an SST train phrase already
    assert sst.match_key("a joy .") not in keys and sst.match_key("meh.") not in keys
    assert corpus.dropped["rotten_tomatoes_matches_dev_or_test"] == 2
    assert corpus.dropped["rotten_tomatoes_duplicate"] == 1
    assert {"a joy, really", "truly awful", "a good film", "A triumph"} <= set(corpus.texts)
    assert len(keys) == len(corpus.texts)  # every text once
    assert corpus.texts.count("A triumph") == 1
    assert set(corpus.source) == {"imdb", "sst_phrase", "rotten_tomatoes"}


def test_contrast_examples_take_the_second_clause_label():
    texts = ["a truly lovely film", "a dull and lifeless mess", "great fun for all", "so bad"]
    labels = np.array([1, 0, 1, 0])
    made, made_labels = data.contrast_examples(texts, labels, 50, seed=1)
    assert len(made) == 50 and set(made_labels) == {0, 1}
    for text, label in zip(made, made_labels, strict=True):
        second = [t for t in texts[:3] if text.endswith(t.lower())]
        assert len(second) == 1  # "so bad" is too short to be a clause
        assert label == labels[texts.index(second[0])]


def test_negation_examples_flip_the_label_only_when_negated():
    texts = ["is dull", "dull", "was a joy", "a joy", "is where it fails", "where it fails"]
    labels = np.array([0, 0, 1, 1, 0, 0])
    phrases, _ = data.predicates(texts, labels)
    assert sorted(phrases) == ["a joy", "dull"]
    made, made_labels = data.negation_examples(texts, labels, 200, seed=2)
    negated = [data.NEGATION.search(text) is not None for text in made]
    assert 0 < sum(negated) < len(made)
    for text, label, is_negated in zip(made, made_labels, negated, strict=True):
        meant = 0 if "dull" in text else 1
        assert label == (1 - meant if is_negated else meant)


@pytest.fixture(scope="module")
def tiny_attention_model():
    from core.sentiment.settings import ModelSettings
    from core.sentiment.train import train_model

    texts, labels = data.bundled_subset(120)
    settings = ModelSettings(
        vocabulary_size=300,
        sequence_length=30,
        embedding_dim=4,
        lstm_units=3,
        ngram_features=500,
        epochs=1,
    )
    weights = np.linspace(0.5, 1.5, 90).astype("float32")
    result = train_model(
        texts[:90], labels[:90], texts[90:], labels[90:], settings, train_weights=weights
    )
    return result.model


def test_trained_model_has_the_contract_layer_names(tiny_attention_model):
    names = [layer.name for layer in tiny_attention_model.layers]
    for name in (
        "words",
        "truncate",
        "embedding",
        "embedding_dropout",
        "ngram_keys",
        "ngram_lookup",
        "ngram_evidence",
        "word_and_evidence",
        "lstm",
        "word_score",
        "word_attention",
        "attention_pool",
        "p_positive",
    ):
        assert name in names, name
    assert "sum_over_words" not in names
    lstm = tiny_attention_model.get_layer("lstm")
    assert isinstance(lstm, keras.layers.LSTM) and lstm.return_sequences
    assert lstm.get_config()["activation"] == "tanh"
    assert lstm.get_config()["recurrent_activation"] == "sigmoid"


def test_prediction_is_the_sigmoid_of_the_attention_pool_of_its_heads(tiny_attention_model):
    from core.sentiment.model import AttentionPool
    from core.sentiment.scoring import lstm_outputs_model

    model = tiny_attention_model
    texts = ["a wonderful film, but the ending is dull", "bad", "not bad at all", ""]
    outputs = lstm_outputs_model(model)(tf.constant(texts)).numpy()
    ids = model.get_layer("truncate")(model.get_layer("words")(tf.constant(texts))).numpy()
    scores = model.get_layer("word_score")(outputs)
    attention = model.get_layer("word_attention")(outputs)
    logits = AttentionPool()(scores, attention, ids).numpy()[:, 0]
    # and by hand: softmax of the attention over real words, times the scores
    for row in range(len(texts)):
        real = ids[row] > 0
        if real.any():
            weights = np.exp(attention.numpy()[row, real, 0])
            weights /= weights.sum()
            assert np.isclose(logits[row], weights @ scores.numpy()[row, real, 0], atol=1e-5)
        else:
            assert logits[row] == 0.0
    expected = 1 / (1 + np.exp(-logits))
    assert np.allclose(model(tf.constant(texts)).numpy()[:, 0], expected, atol=1e-6)


def test_dev_pair_scores_count_pairs_and_single_reviews():
    from core.sentiment import dev_pairs

    texts, labels = dev_pairs.dev_texts()
    assert len(texts) == 2 * len(dev_pairs.PAIRS) and labels[:4] == [1, 0, 1, 0]
    probabilities = np.full(len(texts), 0.9)
    probabilities[1] = 0.1  # first pair both right; every other pair has its negative wrong
    scores = dev_pairs.pair_scores(probabilities)
    assert scores["pairs_both_right"] == pytest.approx(1 / len(dev_pairs.PAIRS))
    assert scores["reviews_right"] == pytest.approx((len(dev_pairs.PAIRS) + 1) / len(texts))


def test_the_real_training_corpus_holds_no_sst_dev_or_test_sentence():
    corpus = data.training_corpus()
    held = {sst.match_key(text) for name in ("dev", "test") for text in sst.sentences(name)[0]}
    assert not any(sst.match_key(text) in held for text in corpus.texts)
    assert corpus.dropped["rotten_tomatoes_matches_dev_or_test"] > 2_000
    assert set(corpus.source) == {"imdb", "sst_phrase", "rotten_tomatoes"}


def test_training_data_adds_made_up_examples_with_the_phrase_weight():
    from core.sentiment.pipeline import training_data
    from core.sentiment.settings import ModelSettings

    phrases = ["is dull", "dull", "is a joy", "a joy", "a truly lovely film", "a dreary mess"]
    corpus = data.TrainingCorpus(
        ["a long review", *phrases],
        np.array([1, 0, 0, 1, 1, 1, 0]),
        np.array(["imdb"] + ["sst_phrase"] * len(phrases)),
        {},
    )
    settings = ModelSettings(phrase_weight=0.5, contrast_examples=7, negation_examples=5)
    texts, labels, weights, made = training_data(settings, corpus)
    assert made == 12 and len(texts) == len(labels) == len(weights) == 7 + 12
    assert weights[0] == 1.0 and np.all(weights[1:] == 0.5)
    assert texts[:7] == corpus.texts
