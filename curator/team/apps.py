from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "curator.team"
    label = "team"
    verbose_name = "Team"

    def ready(self) -> None:
        from curator.editions.status_signals import status_changed
        from curator.team import approval

        status_changed.connect(approval.forget_on_draft, dispatch_uid="team-forget-approval-on-draft")
