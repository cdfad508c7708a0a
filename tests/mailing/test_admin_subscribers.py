"""Subscriber admin: filters, search, CSV import and export."""

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from curator.mailing.models import Subscriber

pytestmark = pytest.mark.django_db

CSV = """email,name
new.one@example.com,New One
Already@Example.com,Someone
not-an-email,Broken
,Empty
second@example.com,
SECOND@example.com,Same again
"""


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post a file to the import page, run the queued import (eagerly), and follow to its report."""

    def post(client, text: str, status: str = "active"):
        file = SimpleUploadedFile("subscribers.csv", text.encode(), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:mailing_subscriber_import"), {"file": file, "status": status})
        return client.get(response["Location"]) if response.status_code == 302 else response

    return post


def test_it_imports_good_rows_reports_bad_ones_and_skips_duplicates(admin_client, upload):
    Subscriber.objects.create(email="already@example.com", status="active")
    response = upload(admin_client, CSV)
    assert response.status_code == 200
    page = response.content.decode()
    assert "created: 2" in page and "skipped as duplicates: 2" in page and "rows with errors: 2" in page
    assert "<td>4</td><td>&#x27;not-an-email&#x27; is not a valid email address</td>" in page
    assert "<td>5</td>" in page
    emails = sorted(Subscriber.objects.values_list("email", flat=True))
    assert emails == ["already@example.com", "new.one@example.com", "second@example.com"]
    assert Subscriber.objects.get(email="new.one@example.com").status == "active"


def test_it_sends_confirmations_when_importing_as_pending(admin_client, upload):
    upload(admin_client, "email,name\na@example.com,A\nb@example.com,B\n", status="pending")
    assert Subscriber.objects.filter(status="pending").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


def test_it_rejects_a_file_without_an_email_header(admin_client, upload):
    response = upload(admin_client, "mail,name\nx@example.com,X\n")
    assert response.status_code == 200
    assert b"must be a header with an &#x27;email&#x27; column" in response.content
    assert not Subscriber.objects.exists()


def test_it_rejects_a_file_that_is_not_utf8(admin_client):
    file = SimpleUploadedFile("s.csv", "email\nzoë@example.com\n".encode("latin-1"))
    response = admin_client.post(reverse("admin:mailing_subscriber_import"), {"file": file, "status": "active"})
    assert b"not UTF-8" in response.content
    assert not Subscriber.objects.exists()


def test_it_exports_what_the_changelist_shows(admin_client):
    Subscriber.objects.create(email="a@example.com", name='Ann, "A"', status="active")
    Subscriber.objects.create(email="b@example.com", status="unsubscribed")
    response = admin_client.get(reverse("admin:mailing_subscriber_export") + "?status__exact=active")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["email", "name", "status"]
    assert [r[:3] for r in rows[1:]] == [["a@example.com", 'Ann, "A"', "active"]]


def test_it_filters_and_searches_subscribers(admin_client):
    Subscriber.objects.create(email="ann@example.com", name="Ann", status="active")
    Subscriber.objects.create(email="bob@example.com", name="Bob", status="bounced")
    changelist = reverse("admin:mailing_subscriber_changelist")
    bounced = admin_client.get(changelist + "?status__exact=bounced").content.decode()
    assert "bob@example.com" in bounced and "ann@example.com" not in bounced
    found = admin_client.get(changelist + "?q=ann").content.decode()
    assert "ann@example.com" in found and "bob@example.com" not in found
    assert "Import CSV" in found and "Export CSV" in found


def test_it_lets_publishers_but_not_editors_manage_subscribers(client, editor, publisher):
    Subscriber.objects.create(email="ann@example.com", status="active")
    changelist = reverse("admin:mailing_subscriber_changelist")
    client.force_login(editor)
    assert client.get(changelist).status_code == 403
    client.force_login(publisher)
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:mailing_subscriber_import")).status_code == 200


def test_the_add_form_stores_the_normalised_address_and_refuses_a_second_spelling(admin_client):
    add = reverse("admin:mailing_subscriber_add")
    response = admin_client.post(add, {"email": "\u212aate@Example.COM", "name": "", "status": "active"})
    assert response.status_code == 302
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["Kate@example.com"]
    again = admin_client.post(add, {"email": "kate@example.com", "name": "", "status": "active"})
    assert again.status_code == 200 and b"errornote" in again.content  # an error on the form, not a 500
    assert Subscriber.objects.count() == 1
