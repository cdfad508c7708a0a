"""Project-wide helpers that belong to no one app: wording, clipping, pacing, embeddings, addresses, staff checks.

Every app may import from here; nothing here imports an app, so the layering of docs/architecture.md holds.
"""
