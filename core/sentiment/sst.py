"""The Stanford Sentiment Treebank (Socher et al. 2013), read from its PTB-format trees.

Every node of every tree carries a 0–4 sentiment label (0 very negative … 4 very positive), so
every subtree is a labelled phrase: "not bad" labelled apart from "bad". The files are bundled in
``data/sst/`` (see ``data/sst/SOURCE.md``). Nothing here imports TensorFlow.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from core.paths import DATA_DIR

SST_DIR = DATA_DIR / "sst"
SPLITS = ("train", "dev", "test")
# PTB escapes in the trees' leaves, and the quote marks the Stanford tokenizer writes
ESCAPES = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
}
# tokens the tokenizer split off the word before ("does n't", "it 's"): joined back, so a
# phrase reads as people type it and the model's standardizer makes the same word of both
CLITICS = frozenset({"n't", "'s", "'re", "'ve", "'ll", "'d", "'m"})
ATTACHED_PUNCTUATION = frozenset(",.;:!?")
# parentheses and tokens; leaves are split on ASCII space only (three train tokens hold U+00A0)
TOKEN = re.compile(r"\(|\)|[^ ()]+")


@dataclass(frozen=True)
class Phrase:
    """One labelled subtree: its text, its 0–4 label and whether it is the whole sentence."""

    text: str
    label: int
    is_sentence: bool = False

    @property
    def binary(self) -> int | None:
        """0 (labels 0–1), 1 (labels 3–4) or None for a neutral phrase (label 2)."""
        return binary_label(self.label)


def binary_label(label: int) -> int | None:
    """The SST-2 view of a 0–4 label: 0–1 negative (0), 3–4 positive (1), 2 neutral (None)."""
    if label == 2:
        return None
    return int(label >= 3)


def unescape(token: str) -> str:
    """A leaf as written in the text: ``-LRB-`` → ``(``, ``\\/`` → ``/``, ``\\*`` → ``*``."""
    token = ESCAPES.get(token, token)
    return token.replace("\\/", "/").replace("\\*", "*")


def join_tokens(tokens: list[str]) -> str:
    """Join leaves into text, re-attaching clitics and punctuation to the word before."""
    text = ""
    for token in tokens:
        glued = token.lower() in CLITICS or token in ATTACHED_PUNCTUATION
        text += token if (glued and text) else (" " + token if text else token)
    return text


def parse_tree(line: str) -> list[Phrase]:
    """Every labelled subtree of one PTB tree, the whole sentence first, leaves included.

    Raises
    ------
    ValueError
        When the line is not one balanced tree whose nodes each start with a 0–4 label.
    """
    tokens = TOKEN.findall(line.strip())
    # each open node: [label, first leaf index]; spans close in post-order
    stack: list[list[int]] = []
    leaves: list[str] = []
    spans: list[tuple[int, int, int]] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token == "(":
            label = tokens[position + 1] if position + 1 < len(tokens) else ""
            if label not in {"0", "1", "2", "3", "4"}:
                raise ValueError(f"A tree node must start with a 0-4 label, not {label!r}.")
            stack.append([int(label), len(leaves)])
            position += 2
            continue
        if token == ")":
            if not stack:
                raise ValueError("The tree has a ')' with no matching '('.")
            label, start = stack.pop()
            spans.append((start, len(leaves), label))
            position += 1
            if not stack and position < len(tokens):
                raise ValueError("The line holds more than one tree.")
            continue
        leaves.append(unescape(token))
        position += 1
    if stack or not spans:
        raise ValueError("The tree is not balanced: a '(' has no matching ')'.")
    ordered = sorted(spans, key=lambda span: (span[0], -(span[1] - span[0])))
    root = spans[-1]
    return [
        Phrase(join_tokens(leaves[start:end]), label, (start, end, label) == root)
        for start, end, label in ordered
    ]


def read_split(split: str, directory: Path = SST_DIR) -> list[list[Phrase]]:
    """The trees of ``train``, ``dev`` or ``test``: one list of phrases per sentence."""
    if split not in SPLITS:
        raise ValueError(f"split is {split!r}; use one of {', '.join(SPLITS)}.")
    path = Path(directory) / f"{split}.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [parse_tree(line) for line in handle if line.strip()]


def sentences(split: str, directory: Path = SST_DIR) -> tuple[list[str], list[int]]:
    """Whole sentences (the roots) of a split and their 0–4 labels."""
    roots = [tree[0] for tree in read_split(split, directory)]
    return [root.text for root in roots], [root.label for root in roots]


def binary_sentences(split: str, directory: Path = SST_DIR) -> tuple[list[str], list[int]]:
    """The SST-2 sentences of a split: neutral roots dropped, 0 negative / 1 positive."""
    texts, labels = sentences(split, directory)
    kept = [(text, binary_label(label)) for text, label in zip(texts, labels, strict=True)]
    kept = [(text, label) for text, label in kept if label is not None]
    return [text for text, _ in kept], [label for _, label in kept]


def binary_phrases(split: str = "train", directory: Path = SST_DIR) -> tuple[list[str], list[int]]:
    """Every distinct non-neutral phrase of a split with its 0/1 label, first occurrence kept.

    A phrase that occurs in several trees with labels on both sides of neutral is dropped.
    """
    seen: dict[str, int | None] = {}
    for tree in read_split(split, directory):
        for phrase in tree:
            label = phrase.binary
            if label is None:
                continue
            if phrase.text in seen and seen[phrase.text] != label:
                seen[phrase.text] = None
            else:
                seen.setdefault(phrase.text, label)
    kept = [(text, label) for text, label in seen.items() if label is not None]
    return [text for text, _ in kept], [label for _, label in kept]


def match_key(text: str) -> str:
    """Lowercase letters and digits only (accents folded): how a sentence is matched across
    sources whose tokenisation, case and punctuation differ."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in folded if char.isascii() and char.isalnum())
