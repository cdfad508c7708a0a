"""Staff see the sources and triage entries; fetching or editing sources stays with admins."""

EDITOR = ["change_entry", "view_entry", "view_source"]

GRANTS: dict[str, list[str]] = {"Editor": EDITOR, "Publisher": EDITOR}
