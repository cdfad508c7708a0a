from django.contrib import admin

from curator.editions.models import Issue
from curator.feeds.models import Entry
from summarizer.admin import EntryWithDraftsAdmin


class TriageEntryAdmin(EntryWithDraftsAdmin):
    """The entry admin as editors triage with it: filters, bulk actions, add to issue."""


admin.site.unregister(Entry)
admin.site.register(Entry, TriageEntryAdmin)


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["title", "month", "status"]
