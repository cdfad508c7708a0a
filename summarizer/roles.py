"""Staff ask for drafts with any profile; changing the profiles themselves stays with admins."""

EDITOR = ["add_draft", "view_draft", "view_decodingprofile"]

GRANTS: dict[str, list[str]] = {"Editor": EDITOR, "Publisher": EDITOR}
