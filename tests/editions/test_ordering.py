import pytest

from curator.editions import workflow
from curator.editions.models import IssueLocked, Pick
from tests.factories import add_pick, send

pytestmark = pytest.mark.django_db


def _titles(issue):
    return [(p.section.title, p.title) for p in Pick.objects.filter(issue=issue).select_related("section")]


def test_it_moves_a_pick_up_and_down_within_its_section(issue):
    a, _b, c = (add_pick(issue, title=t) for t in "ABC")  # all at position 0: ties broken by id
    workflow.move_pick(c, -1)
    assert [t for _, t in _titles(issue)] == ["A", "C", "B"]
    workflow.move_pick(a, 1)
    assert [t for _, t in _titles(issue)] == ["C", "A", "B"]


def test_it_moves_a_pick_past_the_section_edge_into_the_neighbouring_section(issue):
    feature = add_pick(issue, section_title="Feature", title="F")
    add_pick(issue, section_title="Research updates", title="R1")
    r2 = add_pick(issue, section_title="Research updates", title="R2")
    workflow.move_pick(feature, 1)  # last of Feature -> first of Research updates
    assert _titles(issue) == [("Research updates", "F"), ("Research updates", "R1"), ("Research updates", "R2")]
    workflow.move_pick(r2, 1)  # Recommended reading is empty: R2 becomes its only pick
    assert _titles(issue)[-1] == ("Recommended reading", "R2")
    workflow.move_pick(Pick.objects.get(title="F"), -1)  # first of Research updates -> end of Feature
    assert _titles(issue)[0] == ("Feature", "F")


def test_it_leaves_the_very_first_pick_in_place_when_moved_up(issue):
    first = add_pick(issue, section_title="Feature", title="F")
    add_pick(issue, section_title="Feature", title="G")
    workflow.move_pick(first, -1)
    assert [t for _, t in _titles(issue)] == ["F", "G"]


def test_it_reorders_sections(issue):
    updates = issue.sections.get(title="Updates")
    workflow.move_section(updates, -1)
    assert list(issue.sections.values_list("title", flat=True)) == [
        "Feature",
        "Research updates",
        "Recommended reading",
        "Updates",
        "Livestreams",
    ]


def test_it_refuses_to_reorder_a_sent_issue(issue):
    a = add_pick(issue, title="A")
    add_pick(issue, title="B")
    send(issue)
    with pytest.raises(IssueLocked):
        workflow.move_pick(a, 1)
    with pytest.raises(IssueLocked):
        workflow.move_section(issue.sections.first(), 1)
    assert [t for _, t in _titles(issue)] == ["A", "B"]
