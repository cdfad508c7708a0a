from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "curator.team"
    label = "team"
    verbose_name = "Team"

    def ready(self) -> None:
        from curator.editions.status_signals import status_changed
        from curator.ranking import dataset
        from curator.team import approval, endorsements

        status_changed.connect(approval.forget_on_draft, dispatch_uid="team-forget-approval-on-draft")
        # Suggestions and votes say "this is for us" as a shortlist does: ranking learns from them too.
        if endorsements.endorsed_entry_ids not in dataset.EXTRA_POSITIVES:
            dataset.EXTRA_POSITIVES.append(endorsements.endorsed_entry_ids)
