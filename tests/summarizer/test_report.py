"""The profile report's numbers on a fixture month, its filters, and the chart page."""

import datetime as dt

import pytest
from django.urls import reverse

from summarizer.acceptance import FinalText, record_outcomes
from summarizer.models import Draft, DraftChoice
from summarizer.report import profile_report
from summarizer.report_chart import scatter

NOVEMBER = dt.date(2026, 11, 1)


def at(day: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, 12, tzinfo=dt.UTC)


def draft(entry, profile, text, seconds, tokens, day=3, month=11, engine="model", model="tiny-t5"):
    return Draft.objects.create(
        entry=entry,
        profile_name=profile,
        text=text,
        engine=engine,
        model_id=model,
        seconds=seconds,
        tokens_out=tokens,
        created_at=at(day, month),
    )


@pytest.fixture
def month(make_entry):
    """Four entries drafted in November by Beam and Sampling (and one fallback), three of them picked."""
    e1, e2, e3, e4, e5 = (make_entry("paper") for _ in range(5))
    beam1 = draft(e1, "Beam", "Experts are routed gently and every expert stays busy.", 2.0, 40)
    draft(e1, "Sampling", "Routing, but make it gentle: experts share the work.", 0.5, 30)
    draft(e2, "Beam", "A long context benchmark that checks retrieval honestly.", 4.0, 60)
    sampling2 = draft(e2, "Sampling", "An honest benchmark for long context models and their retrieval.", 1.0, 50)
    draft(e3, "Beam", "Label noise hurts less than expected in large datasets.", 3.0, 50)
    draft(e4, "Sampling", "Checkpointing trades compute for memory.", 1.5, 20)
    draft(e4, "Greedy", "Checkpointing, explained.", 0.1, 0, engine="fallback", model="fallback:lexical")
    draft(e5, "Beam", "An October draft.", 9.0, 90, day=20, month=10)
    record_outcomes(
        [
            FinalText("pick:1", e1.pk, beam1.text),  # Beam, as is
            FinalText(
                "pick:2", e2.pk, "An honest benchmark for long-context models and how they retrieve."
            ),  # Sampling, light
            FinalText("pick:3", e3.pk, "We think the label-noise result is overstated; read the appendix first."),
            FinalText("pick:5", e5.pk, "An October draft."),
        ]
    )
    DraftChoice.objects.create(draft=sampling2)


def rows_by_name(rows):
    return {row.profile: row for row in rows}


def test_it_computes_the_report_numbers_on_a_fixture_month(month):
    rows = rows_by_name(profile_report(NOVEMBER))

    beam, sampling, greedy = rows["Beam"], rows["Sampling"], rows["Greedy"]
    assert (beam.drafts, beam.offered, beam.used) == (3, 3, 2)
    assert (beam.as_is, beam.light, beam.rewritten) == (0.5, 0.0, 0.5)
    assert beam.acceptance == pytest.approx(1 / 3)
    assert (beam.median_seconds, beam.median_tokens, beam.fallback_share) == (3.0, 50, 0.0)
    assert beam.median_similarity is not None and 0.0 < beam.median_similarity < 1.0

    assert (sampling.drafts, sampling.offered, sampling.used) == (3, 2, 1)
    assert (sampling.as_is, sampling.light, sampling.rewritten) == (0.0, 1.0, 0.0)
    assert sampling.acceptance == 0.5
    assert (sampling.median_seconds, sampling.median_tokens, sampling.choices) == (1.0, 30, 1)

    assert (greedy.drafts, greedy.offered, greedy.used, greedy.fallback_share) == (1, 0, 0, 1.0)
    assert [r.profile for r in profile_report(NOVEMBER) if r.pareto] == ["Sampling"]
    assert "Greedy" not in rows_by_name(profile_report(NOVEMBER, "tiny-t5"))


def test_it_splits_rows_by_model_on_request(month, make_entry):
    entry = make_entry("paper")
    draft(entry, "Beam", "A draft from a bigger model.", 6.0, 70, model="big-t5")
    record_outcomes([FinalText("pick:7", entry.pk, "A draft from a bigger model.")])

    rows = rows_by_name(profile_report(NOVEMBER, by_model=True))

    assert set(rows) == {"Beam · tiny-t5", "Beam · big-t5", "Sampling · tiny-t5", "Greedy · fallback:lexical"}
    assert (rows["Beam · big-t5"].drafts, rows["Beam · big-t5"].used, rows["Beam · big-t5"].acceptance) == (1, 1, 1.0)
    assert (rows["Beam · tiny-t5"].drafts, rows["Beam · tiny-t5"].used) == (3, 2)
    assert rows_by_name(profile_report(NOVEMBER))["Beam"].models == ["big-t5", "tiny-t5"]


def test_it_builds_the_report_in_a_fixed_number_of_queries(month, make_entry, django_assert_num_queries):
    with django_assert_num_queries(4):
        profile_report(NOVEMBER)
    for n in range(20):
        entry = make_entry("paper")
        chosen = draft(entry, "Beam", f"Draft number {n}.", 1.0, 10)
        record_outcomes([FinalText(f"pick:{100 + n}", entry.pk, chosen.text)])
    with django_assert_num_queries(4):
        profile_report(NOVEMBER)


def test_it_filters_by_month(month):
    october = rows_by_name(profile_report(dt.date(2026, 10, 1)))
    assert list(october) == ["Beam"]
    assert (october["Beam"].drafts, october["Beam"].used, october["Beam"].as_is) == (1, 1, 1.0)
    assert rows_by_name(profile_report())["Beam"].drafts == 4


def test_it_places_faster_and_more_accepted_profiles_up_and_left(month):
    chart = scatter(profile_report(NOVEMBER))
    points = {p.row.profile: p for p in chart.points}
    assert set(points) == {"Beam", "Sampling"}  # Greedy's drafts were never offered in a pick
    assert points["Sampling"].x < points["Beam"].x
    assert points["Sampling"].y < points["Beam"].y  # SVG y grows downwards
    assert chart.front == f"{points['Sampling'].x},{points['Sampling'].y}"


def test_it_renders_the_report_page_with_its_chart(admin_client, month):
    html = admin_client.get(reverse("admin:summarizer_decodingprofile_report"), {"month": "2026-11"}).content.decode()
    assert '<svg id="acceptance-chart"' in html
    assert html.count('<circle class="point') == 2
    assert 'class="point front"' in html and '<polyline class="front-line"' in html
    assert 'data-profile="Greedy"' in html
    assert "<script" not in html.split('<svg id="acceptance-chart"')[1].split("</svg>")[0]
    changelist = admin_client.get(reverse("admin:summarizer_decodingprofile_changelist")).content.decode()
    assert reverse("admin:summarizer_decodingprofile_report") in changelist


def test_it_escapes_profile_names_in_the_chart(admin_client, make_entry):
    entry = make_entry("paper")
    chosen = draft(entry, "<script>alert(1)</script>", "A draft.", 1.0, 10)
    record_outcomes([FinalText("pick:9", entry.pk, chosen.text)])
    html = admin_client.get(reverse("admin:summarizer_decodingprofile_report")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_it_ignores_a_malformed_month_filter(admin_client, month):
    response = admin_client.get(reverse("admin:summarizer_decodingprofile_report"), {"month": "November"})
    assert response.status_code == 200
    assert 'data-profile="Beam"' in response.content.decode()


def test_it_forbids_the_report_to_staff_without_summarizer_access(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", "c@example.org", "pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:summarizer_decodingprofile_report")).status_code == 403
