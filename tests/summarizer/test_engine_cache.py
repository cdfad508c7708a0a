import threading

from summarizer import engine


def test_it_loads_the_model_once_per_process(use_model):
    use_model("seq2seq")
    assert engine.load() is engine.load()


def test_it_loads_once_when_threads_race(use_model):
    use_model("causal")
    results = []
    threads = [threading.Thread(target=lambda: results.append(engine.load())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(loaded) for loaded in results}) == 1


def test_it_picks_the_model_class_from_the_config(use_model):
    use_model("seq2seq")
    assert engine.load().is_encoder_decoder
    use_model("causal")
    loaded = engine.load()
    assert not loaded.is_encoder_decoder
    assert loaded.tokenizer.padding_side == "left"


def test_it_can_be_reset_for_a_new_model(use_model):
    use_model("seq2seq")
    first = engine.load()
    engine.reset()
    assert engine.load() is not first
