"""Editors and Publishers tag picks and entries with topics."""

TOPICS = [f"{action}_topic" for action in ("add", "change", "delete", "view")]

GRANTS: dict[str, list[str]] = {"Editor": TOPICS, "Publisher": TOPICS}
