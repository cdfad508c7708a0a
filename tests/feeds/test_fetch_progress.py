"""With workers, Fetch now answers at once and the source list shows the fetch as on its way until it ran."""

from __future__ import annotations

import pytest

from curator.feeds.models import IngestRun

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_loopback")]


def status_cell(client, source) -> str:
    body = client.get("/admin/feeds/source/").content.decode()
    row = body.split(f'/admin/feeds/source/{source.pk}/change/"', 1)[1].split("</tr>", 1)[0]
    return row.split('<td class="field-status">', 1)[1].split("</td>", 1)[0]


def test_the_list_says_fetching_until_the_worker_has_fetched(admin_client, make_source, broker):
    source = make_source("rss091.xml", name="Sparse Thoughts", fetch_full_text=False)
    assert "never fetched" in status_cell(admin_client, source)

    response = admin_client.post(
        "/admin/feeds/source/", {"action": "fetch_now", "_selected_action": [source.pk]}, follow=True
    )

    assert "Queued 1 source for fetching. Reload this list" in response.content.decode()
    assert not IngestRun.objects.exists()
    assert "fetching…" in status_cell(admin_client, source)
    assert broker.run_queued()
    assert IngestRun.objects.filter(source=source).count() == 1
    cell = status_cell(admin_client, source)
    assert "fetching…" not in cell and ">ok<" in cell
