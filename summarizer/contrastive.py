"""Contrastive search that runs offline under transformers 5.

transformers 5 moved contrastive search out of the library into a Hub repository
(`transformers-community/contrastive-search`) that `generate` downloads and executes with
`trust_remote_code=True`. Workers have no Hub access and should not execute downloaded code, so
this module passes its own decoding loop through `generate(custom_generate=...)`: transformers
still prepares inputs, encoder outputs, logits processors and stopping criteria; only the loop
is ours. It recomputes the whole decoder prefix at each step instead of keeping a KV cache: blurbs
are under ~100 tokens, so simplicity wins over the quadratic cost.

Scoring follows Su et al. (2022): among the top-k candidates, pick the one maximizing
(1 - alpha) * p(token) - alpha * max cosine similarity to the hidden states of the prefix.
"""

from __future__ import annotations

from typing import Any, cast

import torch
from transformers.modeling_outputs import BaseModelOutput


def _forward(model: Any, sequences: torch.Tensor, model_kwargs: dict[str, Any], repeat: int) -> tuple[Any, Any]:
    """Logits at the last position and last-layer hidden states for every position."""
    if model.config.is_encoder_decoder:
        encoder = model_kwargs["encoder_outputs"].last_hidden_state.repeat_interleave(repeat, dim=0)
        mask = model_kwargs.get("attention_mask")
        outputs = model(
            encoder_outputs=BaseModelOutput(last_hidden_state=encoder),
            attention_mask=None if mask is None else mask.repeat_interleave(repeat, dim=0),
            decoder_input_ids=sequences,
            output_hidden_states=True,
            use_cache=False,
            return_dict=True,
        )
        return outputs.logits[:, -1, :], outputs.decoder_hidden_states[-1]
    outputs = model(input_ids=sequences, output_hidden_states=True, use_cache=False, return_dict=True)
    return outputs.logits[:, -1, :], outputs.hidden_states[-1]


def contrastive_search(
    model: Any,
    input_ids: torch.LongTensor,
    logits_processor: Any,
    stopping_criteria: Any,
    generation_config: Any,
    **model_kwargs: Any,
) -> torch.LongTensor:
    """The decoding loop handed to `model.generate(custom_generate=contrastive_search)`."""
    if input_ids.shape[0] != 1:
        # Left padding would need per-row position ids; the engine decodes one entry at a time.
        raise ValueError("contrastive_search decodes one sequence at a time")
    top_k = int(generation_config.top_k)
    alpha = float(generation_config.penalty_alpha)
    pad = generation_config._pad_token_tensor
    sequences: torch.Tensor = input_ids
    logits, _ = _forward(model, sequences, model_kwargs, repeat=1)
    unfinished = torch.ones(1, dtype=torch.bool, device=input_ids.device)
    while True:
        scores = logits_processor(sequences, logits)
        probs = torch.softmax(scores, dim=-1)
        top_probs, top_ids = probs.topk(top_k, dim=-1)  # (1, k)
        candidates = torch.cat([sequences.repeat_interleave(top_k, dim=0), top_ids.view(-1, 1)], dim=-1)
        cand_logits, cand_hidden = _forward(model, candidates, model_kwargs, repeat=top_k)
        context = torch.nn.functional.normalize(cand_hidden[:, :-1, :], dim=-1)
        last = torch.nn.functional.normalize(cand_hidden[:, -1:, :], dim=-1)
        degeneration = (context @ last.transpose(1, 2)).squeeze(-1).max(dim=-1).values  # (k,)
        score = (1 - alpha) * top_probs.view(-1) - alpha * degeneration
        choice = int(score.argmax())
        next_token = top_ids[0, choice].view(1)
        if pad is not None:
            next_token = torch.where(unfinished, next_token, pad)
        sequences = torch.cat([sequences, next_token.view(1, 1)], dim=-1)
        logits = cand_logits[choice : choice + 1]
        unfinished = unfinished & ~stopping_criteria(sequences, scores)
        if not bool(unfinished.any()):
            return cast(torch.LongTensor, sequences)  # token ids, as input_ids were
