"""Does a draft stick to its source? Invented specifics and echoed instructions, whatever the engine.

Two kinds of problem, both cheap to find and both what an editor would otherwise have to catch:
- *invents*: numbers and capitalized names (people, organisations, places, model names) absent from
  the source (summarizer/checks.py);
- *echoes*: the prompt's own words coming back as content ("The work of a machine-learning researcher
  is designed to ...", "This text describes ..."), which small instruct models do often.

A draft with either problem is *demoted*: never shown first, never the one *Add to issue* or the
desk's `a` takes. The reason is stored on the draft so the profile report can count it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer import checks, prompts

# Words of earlier and current prompts that a summary of a paper has no reason to contain unless the
# paper itself uses them; matched as whole phrases, and only when the source lacks them.
_ECHO_PHRASES = (
    "machine learning researcher",
    "machine-learning researcher",
    "ml researcher",
    "research newsletter",
    "newsletter",
    "blurb",
    "the text below",
    "this text",
    "the text",
    "two or three sentences",
    "two-to-three sentence",
    "use only facts",
    "what the work does",
    "what it finds",
    "summarize",
    "here is a summary",
)
_WORD = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class Verdict:
    invented: tuple[str, ...]
    echoed: tuple[str, ...]

    @property
    def problems(self) -> int:
        return len(self.invented) + len(self.echoed)

    @property
    def faithful(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        """Why the draft is demoted, in plain words; empty when it is faithful."""
        parts = []
        if self.invented:
            parts.append("invents " + ", ".join(self.invented[:6]))
        if self.echoed:
            parts.append("echoes the instruction (" + ", ".join(f"“{e}”" for e in self.echoed[:3]) + ")")
        return "; ".join(parts)


def _instruction_ngrams(n: int = 4) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(f"{prompts.INSTRUCTION} {prompts.SYSTEM}")]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def echoes(text: str, source: str) -> list[str]:
    """Prompt words in `text` that the source does not contain, in order, without repeats."""
    lowered = text.lower()
    source_lower = source.lower()
    found: list[str] = []
    for phrase in _ECHO_PHRASES:
        pattern = r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])"
        present = re.search(pattern, lowered) and not re.search(pattern, source_lower)
        if present and not any(phrase in longer for longer in found):
            found.append(phrase)
    words = [w.lower() for w in _WORD.findall(text)]
    ngrams = _instruction_ngrams()
    for i in range(len(words) - 3):
        gram = tuple(words[i : i + 4])
        phrase = " ".join(gram)
        if gram in ngrams and phrase not in source_lower and not any(phrase in f or f in phrase for f in found):
            found.append(phrase)
    return found


def judge(text: str, source: str) -> Verdict:
    return Verdict(invented=tuple(checks.unsupported(text, source)), echoed=tuple(echoes(text, source)))


def order(verdicts: Sequence[Verdict]) -> list[int]:
    """Indexes best first: fewest problems, then the engine's own order (stable)."""
    return sorted(range(len(verdicts)), key=lambda i: verdicts[i].problems)
