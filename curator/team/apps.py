from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "curator.team"
    label = "team"
    verbose_name = "Team"

    def ready(self) -> None:
        from curator.ranking import dataset
        from curator.team import endorsements

        # Suggestions and votes say "this is for us" as a shortlist does: ranking learns from them too.
        if endorsements.endorsed_entry_ids not in dataset.EXTRA_POSITIVES:
            dataset.EXTRA_POSITIVES.append(endorsements.endorsed_entry_ids)
