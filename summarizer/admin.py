from django.contrib import admin

from curator.feeds.admin import EntryAdmin
from curator.feeds.models import Entry
from summarizer.models import DecodingProfile


class EntryWithDraftsAdmin(EntryAdmin):
    """The feeds entry admin plus drafts side by side and re-drafting."""


admin.site.unregister(Entry)
admin.site.register(Entry, EntryWithDraftsAdmin)


@admin.register(DecodingProfile)
class DecodingProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "strategy", "is_default"]
