"""Staff ask for drafts with any profile; changing the profiles themselves stays with admins."""

EDITOR = ["add_draft", "view_draft", "view_decodingprofile"]

# Contributors draft the blurbs of the picks they claimed.
CONTRIBUTOR = ["add_draft", "view_draft"]

GRANTS: dict[str, list[str]] = {"Contributor": CONTRIBUTOR, "Editor": EDITOR, "Publisher": EDITOR}
