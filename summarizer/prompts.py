"""How an entry becomes model input.

Seq2seq summarizers (BART, PEGASUS, T5) were trained on plain source text, so they get the title
and the abstract (papers) or the extracted article text (posts), nothing else. Causal instruct
models need to be asked: they get a chat-formatted request for a short newsletter blurb, built
with the tokenizer's own chat template, or a plain prompt when the tokenizer has none.
Truncation is by tokens and applies to the source text only, so an instruction is never cut off.

A causal model can also be shown examples (a writer's earlier blurbs, see docs/team.md): they are
earlier turns of the chat, built by `chat_messages` for the worker and the server backends alike.
Seq2seq models ignore them: they were trained to map a source to its summary and have no place
for a demonstration, so their input stays the plain source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from curator.feeds.text import best_text

# Asks for what the work does and finds, in the paper's own terms. An earlier wording ("why a machine
# learning researcher would care") came back from small models as "The work of a machine-learning
# researcher ...", so the instruction names no reader and no role a model could turn into a subject.
INSTRUCTION = (
    "Summarize the text below in two or three sentences: what this paper proposes and what it finds. "
    "Use only facts stated in the text."
)
SYSTEM = "You summarize research papers accurately and briefly."
VOICE = " Write in the same voice as the earlier blurbs."
EXAMPLE_REQUEST = "Write a blurb in your own words."
PLAIN_TEMPLATE = "{instruction}\n\nText:\n{source}\n\nBlurb:"
PLAIN_EXAMPLE = "Earlier blurb:\n{example}\n\n"
T5_PREFIX = "summarize: "


@dataclass(frozen=True)
class Source:
    """The text a draft is made from; `text` is what the hallucination check compares against."""

    title: str
    body: str

    @property
    def text(self) -> str:
        title = self.title.strip()
        body = self.body.strip()
        if not title:
            return body
        if not body:
            return title
        return f"{title}{'' if title.endswith(('.', '?', '!', ':')) else '.'} {body}"


def source_for(entry: Any) -> Source:
    """Title + abstract for papers; the full body (content:encoded or the article page) for posts."""
    return Source(title=entry.title or "", body=best_text(entry.kind, entry.abstract, entry.full_text))


def _truncate(tokenizer: Any, text: str, budget: int) -> str:
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(ids) <= budget:
        return text
    return tokenizer.decode(ids[: max(budget, 0)], skip_special_tokens=True)


def request_text(source_text: str) -> str:
    """The last user turn of the chat: the instruction, then the source."""
    return f"{INSTRUCTION}\n\n{source_text}"


def chat_messages(source_text: str, examples: Sequence[str] = ()) -> list[dict[str, str]]:
    """The chat for a causal model, on either backend; each example is an earlier answer, so the
    model sees the writer's voice the way it saw its own replies, and the last turn asks for this one."""
    chat = [{"role": "system", "content": SYSTEM + (VOICE if examples else "")}]
    for text in examples:
        chat += [{"role": "user", "content": EXAMPLE_REQUEST}, {"role": "assistant", "content": text}]
    chat.append({"role": "user", "content": request_text(source_text)})
    return chat


def chat_prompt(tokenizer: Any, source_text: str, examples: Sequence[str] = ()) -> str:
    """The full prompt string for a causal model: chat template when available, plain otherwise."""
    if getattr(tokenizer, "chat_template", None):
        messages = chat_messages(source_text, examples)
        try:
            return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        except Exception:  # some templates reject a system turn; retry without it
            return tokenizer.apply_chat_template(messages[1:], tokenize=False, add_generation_prompt=True)
    shown = "".join(PLAIN_EXAMPLE.format(example=text) for text in examples)
    return shown + PLAIN_TEMPLATE.format(instruction=INSTRUCTION, source=source_text)


def encode(
    tokenizer: Any,
    source: Source,
    *,
    is_encoder_decoder: bool,
    max_input_tokens: int,
    max_new_tokens: int,
    prefix: str = "",
    examples: Sequence[str] = (),
) -> list[int]:
    """Token ids for one entry, within the model's input limit. `prefix` is T5's task prefix;
    `examples` go into a causal model's chat and are ignored by a seq2seq model (see the module)."""
    if is_encoder_decoder:
        return tokenizer(prefix + source.text, truncation=True, max_length=max_input_tokens)["input_ids"]
    # The prompt and the generated tokens share one context window for a causal model.
    window = max_input_tokens - max_new_tokens
    overhead = len(tokenizer(chat_prompt(tokenizer, "", examples), add_special_tokens=False)["input_ids"])
    if window - overhead < 16:
        raise ValueError(
            f"the model's context ({max_input_tokens} tokens) leaves no room for the source text "
            f"after the prompt ({overhead}) and max new tokens ({max_new_tokens})"
        )
    prompt = chat_prompt(tokenizer, _truncate(tokenizer, source.text, window - overhead), examples)
    # Chat templates carry their own special tokens; a plain prompt gets the tokenizer's (e.g. BOS).
    add_special = not getattr(tokenizer, "chat_template", None)
    ids = tokenizer(prompt, add_special_tokens=add_special)["input_ids"]
    return ids[-window:]
