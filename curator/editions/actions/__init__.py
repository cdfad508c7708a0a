"""The only code that changes an issue's status, a pick's or section's position, or an entry's triage.

Each module is named after what it changes. Every action that changes an issue's content takes
the issue row lock first (`locks.lock_editable`), the one the send takes, so no save can put a
sending issue back to ready or rewrite what the send is mailing; every action that changes a
triage decision asks for the ranking refit itself. tests/test_architecture_actions.py keeps
these writes here.
"""
