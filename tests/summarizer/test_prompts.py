import re

from summarizer import engine, prompts

LONG = "Attention layers compare every token with every other token. " * 200


def test_it_feeds_seq2seq_models_the_plain_source(use_model, make_entry):
    use_model("seq2seq")
    loaded = engine.load()
    entry = make_entry("paper")
    ids = engine.encode(loaded, prompts.source_for(entry), 64)
    text = loaded.tokenizer.decode(ids, skip_special_tokens=True)
    assert text.startswith("Sparse Ladder Attention for long documents. We introduce")
    assert "newsletter" not in text


def test_it_uses_the_abstract_for_papers_and_the_full_text_for_posts(make_entry):
    paper = make_entry("paper", full_text="FULL TEXT OF THE PDF")
    post = make_entry("post", abstract="Feed teaser only.")
    assert "We introduce Sparse Ladder Attention" in prompts.source_for(paper).text
    assert "FULL TEXT" not in prompts.source_for(paper).text
    assert "recomputes the rest" in prompts.source_for(post).text
    assert "teaser" not in prompts.source_for(post).text


def test_it_wraps_causal_input_in_the_chat_template(use_model):
    use_model("causal")
    loaded = engine.load()
    ids = engine.encode(loaded, prompts.Source("Title", "Body text about diffusion."), 32)
    prompt = loaded.tokenizer.decode(ids)
    assert prompt.startswith("<|system|>")
    assert "Summarize the text below in two or three sentences" in prompt
    assert prompt.rstrip().endswith("<|assistant|>")


def test_it_falls_back_to_a_plain_prompt_without_a_chat_template(use_model):
    use_model("causal_plain")
    loaded = engine.load()
    ids = engine.encode(loaded, prompts.Source("Title", "Body text about diffusion."), 32)
    prompt = loaded.tokenizer.decode(ids, skip_special_tokens=True)
    assert "<|user|>" not in prompt
    assert prompt.startswith(prompts.INSTRUCTION)
    assert prompt.endswith("Blurb:")


def test_it_truncates_seq2seq_input_by_tokens_to_the_model_limit(use_model):
    use_model("seq2seq")
    loaded = engine.load()
    ids = engine.encode(loaded, prompts.Source("Long", LONG), 64)
    assert len(ids) == loaded.max_input_tokens == 256
    assert ids[-1] == loaded.tokenizer.eos_token_id  # truncation keeps the special tokens


def test_it_truncates_the_source_not_the_instruction_for_causal_models(use_model):
    use_model("causal")
    loaded = engine.load()
    ids = engine.encode(loaded, prompts.Source("Long", LONG), 64)
    assert len(ids) <= loaded.max_input_tokens - 64
    prompt = loaded.tokenizer.decode(ids)
    assert prompt.startswith("<|system|>")
    assert prompt.rstrip().endswith("<|assistant|>")


def test_it_puts_examples_into_the_causal_chat_as_earlier_answers(use_model):
    use_model("causal")
    loaded = engine.load()
    source = prompts.Source("Title", "Body text about diffusion.")
    prompt = loaded.tokenizer.decode(engine.encode(loaded, source, 32, ["An earlier blurb about attention."]))
    assert "<|assistant|>\nAn earlier blurb about attention.\n<|user|>" in prompt
    assert prompt.index("An earlier blurb") < prompt.index("Body text about diffusion.")
    assert prompt.rstrip().endswith("<|assistant|>")


def test_it_shows_examples_before_a_plain_prompt(use_model):
    use_model("causal_plain")
    loaded = engine.load()
    ids = engine.encode(loaded, prompts.Source("Title", "Body text about diffusion."), 32, ["An earlier blurb."])
    prompt = loaded.tokenizer.decode(ids, skip_special_tokens=True)
    assert prompt.startswith("Earlier blurb:\nAn earlier blurb.")
    assert prompt.endswith("Blurb:")


def test_seq2seq_models_ignore_examples(use_model):
    use_model("seq2seq")
    loaded = engine.load()
    source = prompts.Source("Title", "Body text about diffusion.")
    assert engine.encode(loaded, source, 64, ["An earlier blurb."]) == engine.encode(loaded, source, 64)


def test_the_request_names_no_reader_or_role_a_small_model_could_echo_as_its_subject():
    """An earlier "why a machine learning researcher would care" came back as "The work of a machine-learning ..."."""
    chat = prompts.chat_messages("We introduce Sparse Ladder Attention.", ())
    words = set(re.findall(r"[a-z-]+", " ".join(m["content"] for m in chat).lower()))
    assert not words & {"researcher", "machine-learning", "reader", "readers", "newsletter", "care", "audience"}
    assert chat[-1]["content"].startswith(prompts.INSTRUCTION)
