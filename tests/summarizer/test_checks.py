from summarizer.checks import unsupported

SOURCE = "We train on 3,000 samples and reach 93.50% accuracy on ImageNet with BERT in 100 steps."


def test_it_flags_numbers_missing_from_the_source():
    assert unsupported("It reaches 95% accuracy in 100 steps.", SOURCE) == ["95%"]


def test_it_treats_formatting_variants_of_a_number_as_the_same():
    assert unsupported("Using 3000 samples it reaches 93.5% with 3,000 examples.", SOURCE) == []


def test_it_flags_names_missing_from_the_source():
    assert unsupported("Researchers at Google tested BERT on ImageNet and GPT-4.", SOURCE) == ["Google", "GPT-4"]


def test_it_ignores_ordinary_sentence_initial_capitals():
    assert unsupported("This works. We like it. Results improve.", SOURCE) == []


def test_it_flags_distinctive_names_even_at_the_start_of_a_sentence():
    assert unsupported("GPT-4 is not mentioned.", SOURCE) == ["GPT-4"]
