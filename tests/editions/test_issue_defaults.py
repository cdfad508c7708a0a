import datetime

import pytest
from django.test import override_settings

from curator.editions.models import Issue

pytestmark = pytest.mark.django_db


def test_it_gives_a_new_issue_the_default_sections_in_order():
    issue = Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 11, 1))
    assert list(issue.sections.values_list("title", "position")) == [
        ("Feature", 0),
        ("Research updates", 1),
        ("Recommended reading", 2),
        ("Livestreams", 3),
        ("Updates", 4),
    ]


@override_settings(EDITIONS_DEFAULT_SECTIONS=["Papers", "Posts"])
def test_it_reads_the_default_sections_from_settings():
    issue = Issue.objects.create(title="Reading", month=datetime.date(2026, 11, 1))
    assert list(issue.sections.values_list("title", flat=True)) == ["Papers", "Posts"]


def test_it_does_not_add_sections_again_when_an_issue_is_saved_later():
    issue = Issue.objects.create(title="Reading", month=datetime.date(2026, 11, 1))
    issue.intro = "Hello"
    issue.save(update_fields=["intro"])
    assert issue.sections.count() == 5


def test_it_builds_the_slug_from_month_and_title_and_keeps_it_unique():
    first = Issue.objects.create(title="Recommended Reading!", month=datetime.date(2026, 11, 17))
    second = Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 11, 3))
    assert first.slug == "2026-11-recommended-reading"
    assert second.slug == "2026-11-recommended-reading-2"


def test_it_stores_the_month_as_its_first_day():
    issue = Issue.objects.create(title="Reading", month=datetime.date(2026, 11, 17))
    issue.refresh_from_db()
    assert issue.month == datetime.date(2026, 11, 1)


def test_it_keeps_a_slug_the_editor_chose():
    issue = Issue.objects.create(title="Reading", slug="winter-special", month=datetime.date(2026, 12, 1))
    assert issue.slug == "winter-special"
