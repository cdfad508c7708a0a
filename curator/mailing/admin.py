from django.contrib import admin

from curator.editions.admin import IssueAdmin
from curator.editions.models import Issue
from curator.mailing.models import Subscriber


class IssueSendingAdmin(IssueAdmin):
    """The editions issue admin plus preview, test send, send, progress, pause and resume."""


admin.site.unregister(Issue)
admin.site.register(Issue, IssueSendingAdmin)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "status", "created_at"]
