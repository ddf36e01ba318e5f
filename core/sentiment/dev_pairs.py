"""A small development set of minimal pairs: two reviews with the same words in another order,
or with one negation flipped, whose labels differ. Used only to compare model designs while
training (never a reported result); the behavioural suite in the tests is a separate, larger set.

Each pair is ``(positive review, negative review)``.
"""

from __future__ import annotations

PAIRS: tuple[tuple[str, str], ...] = (
    # contrast: the clause after "but" decides
    (
        "The opening scenes drag, but the rest of the film is wonderful.",
        "The opening scenes are wonderful, but the rest of the film drags.",
    ),
    (
        "The plot is thin, but the performances are superb.",
        "The performances are superb, but the plot is thin.",
    ),
    (
        "It looks cheap, but it is a lot of fun.",
        "It is a lot of fun to look at, but it feels cheap.",
    ),
    (
        "The dialogue is clumsy, but the story really moved me.",
        "The story moved me at times, but the dialogue is clumsy.",
    ),
    (
        "I was worried it would be dull, yet it turned out to be thrilling.",
        "I hoped it would be thrilling, yet it turned out to be dull.",
    ),
    (
        "Some jokes fall flat, but overall it is a charming comedy.",
        "It tries to be a charming comedy, but overall the jokes fall flat.",
    ),
    (
        "The script has problems, though the cast makes it a delight.",
        "The cast is a delight, though the script makes it a chore.",
    ),
    (
        "The effects are weak, but the heart of the story is strong.",
        "The heart of the story is strong, but the effects are weak and it falls apart.",
    ),
    # at first ... by the end
    (
        "At first I was bored, but by the end I was completely hooked.",
        "At first I was completely hooked, but by the end I was bored.",
    ),
    (
        "It starts slowly and awkwardly, then becomes something beautiful.",
        "It starts out beautiful, then becomes slow and awkward.",
    ),
    (
        "The first half is a mess; the second half is brilliant.",
        "The first half is brilliant; the second half is a mess.",
    ),
    (
        "I almost walked out early on, but I am so glad I stayed.",
        "I was glad I came early on, but I almost walked out later.",
    ),
    # negation of positive and of negative statements
    ("The acting was not bad at all.", "The acting was not good at all."),
    ("This is not a boring film.", "This is not an exciting film."),
    ("I did not hate a single minute of it.", "I did not enjoy a single minute of it."),
    ("Nothing about this movie disappointed me.", "Nothing about this movie impressed me."),
    ("The ending never feels forced.", "The ending never feels earned."),
    ("It is far from a failure.", "It is far from a success."),
    ("I could not stop smiling.", "I could not stop yawning."),
    ("There is no weak scene in the whole film.", "There is no strong scene in the whole film."),
    (
        "Not bad at all, I would happily watch it again.",
        "Not good at all, I would never watch it again.",
    ),
    ("I wasn't disappointed.", "I wasn't impressed."),
    ("Hardly a dull moment.", "Hardly a good moment."),
    ("The story doesn't fall apart.", "The story doesn't come together."),
    # double negation
    (
        "It is not that it is not funny; it is very funny.",
        "It is not that it is funny; it is not funny at all.",
    ),
    ("You can't say it isn't worth watching.", "You can't say it is worth watching."),
    # comparatives
    (
        "It is more inspiring than tiresome.",
        "It is more tiresome than inspiring.",
    ),
    (
        "The film is far better than its trailer suggests.",
        "The film is far worse than its trailer suggests.",
    ),
    (
        "Less a disaster than a small triumph.",
        "Less a small triumph than a disaster.",
    ),
    (
        "More clever than it has any right to be.",
        "Less clever than it thinks it is.",
    ),
)


def dev_texts() -> tuple[list[str], list[int]]:
    """Every review of :data:`PAIRS` in order (positive, negative, positive, …) and its label."""
    texts = [text for pair in PAIRS for text in pair]
    labels = [1, 0] * len(PAIRS)
    return texts, labels


def pair_scores(probabilities) -> dict[str, float]:
    """Share of pairs with both sides right, and of single reviews right, at threshold 0.5."""
    right = [
        (probabilities[2 * i] >= 0.5, probabilities[2 * i + 1] < 0.5) for i in range(len(PAIRS))
    ]
    return {
        "pairs_both_right": sum(a and b for a, b in right) / len(right),
        "reviews_right": sum(int(a) + int(b) for a, b in right) / (2 * len(right)),
    }
