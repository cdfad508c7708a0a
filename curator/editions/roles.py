"""Editors assemble issues; only a Publisher may send one."""

EDITOR = [
    f"{action}_{model}" for model in ("issue", "section", "pick") for action in ("add", "change", "delete", "view")
]

# Contributors see issues; what they may change (their own blurbs) is checked by the team app.
CONTRIBUTOR = ["view_issue", "view_section", "view_pick"]

GRANTS: dict[str, list[str]] = {
    "Contributor": CONTRIBUTOR,
    "Editor": EDITOR,
    "Publisher": [*EDITOR, "send_issue"],
}
