"""Editors assemble issues; only a Publisher may send one."""

EDITOR = [
    f"{action}_{model}" for model in ("issue", "section", "pick") for action in ("add", "change", "delete", "view")
]

GRANTS: dict[str, list[str]] = {"Editor": EDITOR, "Publisher": [*EDITOR, "send_issue"]}
