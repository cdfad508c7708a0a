"""Tiny random-weight models built on the spot, saved like a real checkpoint directory.

They go through the production loading path (`SUMMARIZER_MODEL=<dir>`), so tests exercise the
same AutoConfig / AutoTokenizer / AutoModel calls a real deployment makes, without any download.
"""

from __future__ import annotations

from pathlib import Path

CORPUS = [
    "We propose a sparse attention method for long documents and evaluate it on three benchmarks.",
    "The model reaches strong accuracy while using a fraction of the memory of dense transformers.",
    "Diffusion models generate images by reversing a gradual noising process over many steps.",
    "Reinforcement learning from human feedback aligns language models with stated preferences.",
    "Our analysis shows that scaling data matters more than scaling parameters for small models.",
    "This post explains how gradient checkpointing trades compute for memory during training.",
    "Graph neural networks pass messages between nodes to learn representations of molecules.",
    "Retrieval augmented generation grounds answers in documents fetched from a search index.",
]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def _train_bpe(specials: list[str], vocab_size: int, extra_corpus: list[str] | None = None):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token=specials[0] if "<unk>" in specials else None))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tokenizer.train_from_iterator((CORPUS + (extra_corpus or [])) * 4, trainer=trainer)
    return tokenizer


def build_bart_tokenizer(vocab_size: int = 600, extra_corpus: list[str] | None = None):
    from tokenizers import processors
    from transformers import PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tokenizer = _train_bpe(specials, vocab_size, extra_corpus)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        mask_token="<mask>",
        model_max_length=1024,
    )


def build_seq2seq(directory: Path, *, seed: int = 0, **config_overrides: int) -> Path:
    """A BART-like encoder-decoder with random weights."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    tokenizer = build_bart_tokenizer()
    values = {
        "vocab_size": len(tokenizer),
        "d_model": 32,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 64,
        "decoder_ffn_dim": 64,
        "max_position_embeddings": 256,
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "decoder_start_token_id": 2,
        **config_overrides,
    }
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(BartConfig(**values)).eval()
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def build_causal(directory: Path, *, seed: int = 0, chat_template: bool = True) -> Path:
    """A GPT-2-like decoder-only LM with random weights and (optionally) a chat template."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>"]
    raw = _train_bpe(specials, 600)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, bos_token="<|endoftext|>", eos_token="<|endoftext|>", model_max_length=512
    )
    if chat_template:
        tokenizer.chat_template = CHAT_TEMPLATE
    eos = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_embd=32,
        n_layer=2,
        n_head=2,
        n_positions=512,
        bos_token_id=eos,
        eos_token_id=eos,
    )
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(config).eval()
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
