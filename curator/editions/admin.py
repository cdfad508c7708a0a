"""Editors' admin, in two parts: triage on the entry list (admin_triage) and the issue page (admin_issue).

Nothing is registered here: curator/admin.py composes these parts with the other apps' into the
registered admins, so that each app's screen code stays in its own package.
"""
