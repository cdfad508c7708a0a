"""The extractive fallback never opens a blurb mid-argument ("However, ...", "This ...", "Thus ...")."""

from __future__ import annotations

import pytest

from summarizer import fallback

# Abstracts written the way papers are: the central sentences often lean on the one before.
ABSTRACTS = [
    (
        "Retrieval-augmented language models answer questions from documents they fetch at inference time. "
        "However, existing systems struggle when the retrieved documents contradict each other, and their "
        "answers then follow whichever document comes first in the context. "
        "We introduce a conflict-aware reader that scores each retrieved document for agreement with the others. "
        "This reader improves exact-match accuracy on three open-domain question answering benchmarks with "
        "conflicting evidence by up to nine points. "
        "Moreover, the reader adds less than five percent to inference latency and needs no retraining of the "
        "underlying retrieval-augmented language model. "
        "Thus conflicting evidence in retrieved documents, a common failure of retrieval-augmented language "
        "models, can be handled at inference time."
    ),
    (
        "Diffusion models generate images by reversing a gradual noising process over many steps. "
        "Moreover, sampling from diffusion models remains slow because every one of these steps needs a full "
        "network evaluation. "
        "This makes diffusion models expensive to deploy for interactive image generation. "
        "We distill a pretrained diffusion model into a student that generates images in four sampling steps. "
        "Thus the distilled diffusion model generates images forty times faster with a small loss in image quality. "
        "These results suggest that diffusion models can be made fast enough for interactive image generation."
    ),
    (
        "In addition, reinforcement learning agents trained in simulation often fail on real robots because "
        "simulated physics differ from real physics. "
        "Domain randomization trains robot policies across many simulated physics settings so that real physics "
        "look like one more setting. "
        "It works well for locomotion but poorly for contact-rich manipulation where small physics errors matter. "
        "We learn the randomization ranges of the simulated physics from a few minutes of real robot data. "
        "The learned ranges let robot policies trained in simulation transfer to real contact-rich manipulation tasks."
    ),
]


@pytest.mark.parametrize("use_embeddings", [False, True], ids=["lexical", "minilm"])
@pytest.mark.parametrize("abstract", ABSTRACTS, ids=["rag", "diffusion", "sim2real"])
def test_the_blurb_opens_with_a_sentence_that_stands_on_its_own(abstract, use_embeddings):
    blurb = fallback.summarize(abstract, use_embeddings=use_embeddings).text
    assert blurb
    assert not fallback.leans_on_previous(blurb), blurb
    # Every chosen sentence is a sentence of the source, and a leaning one follows its own predecessor.
    sentences = fallback.split_sentences(abstract)
    chosen = [s for s in sentences if s in blurb]
    for sentence in chosen:
        if fallback.leans_on_previous(sentence):
            assert sentences[sentences.index(sentence) - 1] in blurb, blurb


def test_a_short_text_that_opens_with_a_connective_starts_at_its_first_standalone_sentence():
    text = "However, dense attention is slow on long inputs. We make it linear with a learned kernel."
    assert fallback.summarize(text, use_embeddings=False).text == "We make it linear with a learned kernel."


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("However, existing systems struggle.", True),
        ("Moreover the method is cheap.", True),
        ("This shows that scale helps.", True),
        ("Thus we conclude.", True),
        ("On the other hand, small models win.", True),
        ("Thistle plants were used as a toy example.", False),
        ("So-called foundation models are large.", False),
        ("We introduce a new optimizer.", False),
        ("Itemized costs are reported.", False),
    ],
)
def test_it_knows_which_openings_lean_on_the_previous_sentence(sentence, leans):
    assert fallback.leans_on_previous(sentence) is leans
