"""Staff see the sources and triage entries; fetching or editing sources stays with admins."""

EDITOR = ["change_entry", "view_entry", "view_source"]

# Contributors read the inbox (the desk, the entry list) to suggest, vote and claim; they decide nothing.
CONTRIBUTOR = ["view_entry", "view_source"]

GRANTS: dict[str, list[str]] = {"Contributor": CONTRIBUTOR, "Editor": EDITOR, "Publisher": EDITOR}
