"""Publishers look after the list (subscribers, deliveries, what providers reported); Editors do not."""

GRANTS: dict[str, list[str]] = {
    "Publisher": [
        "view_subscriber",
        "add_subscriber",
        "change_subscriber",
        "view_delivery",
        "view_providerevent",
    ],
}
