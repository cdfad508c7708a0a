"""Contributors suggest, vote, claim and write their own blurbs; Editors also approve and edit any."""

CONTRIBUTOR = [
    "add_suggestion",
    "view_suggestion",
    "add_vote",
    "view_vote",
    "view_assignment",
    "claim_pick",
    "view_member",
]
EDITOR = [*CONTRIBUTOR, "approve_blurb", "change_assignment"]

GRANTS: dict[str, list[str]] = {"Contributor": CONTRIBUTOR, "Editor": EDITOR, "Publisher": EDITOR}
