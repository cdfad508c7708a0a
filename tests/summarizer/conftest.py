"""Summarizer fixtures: tiny local models (built once per session), entries, a clean engine cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from curator.feeds.models import Entry, Source
from summarizer import engine
from tests.support.sample_texts import PAPER_ABSTRACT, POST_TEXT
from tests.support.tiny_models import build_causal, build_seq2seq


@pytest.fixture(scope="session")
def model_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {
        "seq2seq": build_seq2seq(root / "tiny-bart"),
        "causal": build_causal(root / "tiny-gpt2-chat"),
        "causal_plain": build_causal(root / "tiny-gpt2-plain", chat_template=False),
    }


@pytest.fixture(autouse=True)
def _presets(request: pytest.FixtureRequest) -> None:
    """The shipped presets, also after another test's transactional flush emptied the table."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            break
    else:
        if not request.node.get_closest_marker("django_db"):
            return
    from summarizer import presets
    from summarizer.models import DecodingProfile

    presets.install(DecodingProfile)


@pytest.fixture(autouse=True)
def _fresh_engine(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Each test chooses its model; nothing loaded by one test leaks into the next."""
    settings.SUMMARIZER_MODEL = ""
    # Tiny models gain nothing from threads, and threads spin badly on a busy 2-core machine.
    settings.SUMMARIZER_TORCH_THREADS = 1
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def use_model(settings, model_dirs: dict[str, Path]) -> Callable[[str], Path]:  # type: ignore[no-untyped-def]
    """Point SUMMARIZER_MODEL at one of the tiny models, exactly as a deployment would."""

    def choose(kind: str = "seq2seq") -> Path:
        settings.SUMMARIZER_MODEL = str(model_dirs[kind])
        engine.reset()
        return model_dirs[kind]

    return choose


@pytest.fixture
def source(db) -> Source:  # type: ignore[no-untyped-def]
    return Source.objects.create(name="Lab blog", url="https://lab.example.org/feed.xml")


@pytest.fixture
def make_entry(source: Source) -> Callable[..., Entry]:
    counter = iter(range(1, 10_000))

    def make(kind: str = "paper", **fields: object) -> Entry:
        n = next(counter)
        values: dict[str, object] = {
            "source": source,
            "guid": f"entry-{n}",
            "url": f"https://lab.example.org/{n}",
            "kind": kind,
            "title": "Sparse Ladder Attention for long documents" if kind == "paper" else "Checkpointing, explained",
        }
        if kind == "paper":
            values["abstract"] = PAPER_ABSTRACT
        else:
            values["full_text"] = POST_TEXT
        values.update(fields)
        return Entry.objects.create(**values)

    return make
