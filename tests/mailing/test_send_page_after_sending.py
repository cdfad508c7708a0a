"""The send page of an issue that is sent (or sending) says so and offers no button."""

import pytest
from django.urls import reverse

from curator.editions.models import Issue
from curator.mailing import control
from curator.mailing.models import Delivery
from tests.factories import make_issue, make_subscribers

pytestmark = pytest.mark.django_db


def test_a_sent_issue_says_when_it_was_sent_and_offers_no_button(
    client, send_permissions, smtp_server, django_capture_on_commit_callbacks
):
    _, publisher = send_permissions
    issue = make_issue()
    make_subscribers(3)
    with django_capture_on_commit_callbacks(execute=True):
        control.send_issue(issue, publisher)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    client.force_login(publisher)
    url = reverse("admin:editions_issue_send", args=[issue.pk])

    page = client.get(url).content.decode()
    assert 'id="already-sent"' in page and "was sent on" in page and "3 subscribers" in page
    assert "Yes, send it" not in page

    response = client.post(url, follow=True)  # an old tab still showing the button
    text = response.content.decode()
    assert "was already sent on" in text and "nothing was sent again" in text
    assert "Sending “" not in text
    assert Delivery.objects.filter(issue=issue).count() == 3


def test_a_sending_issue_says_it_is_on_its_way(client, send_permissions):
    _, publisher = send_permissions
    issue = make_issue()
    make_subscribers(2)
    control.open_send(issue, publisher)  # rows created, no worker yet
    client.force_login(publisher)
    page = client.get(reverse("admin:editions_issue_send", args=[issue.pk])).content.decode()
    assert "is being sent to 2 subscribers" in page and "Yes, send it" not in page
