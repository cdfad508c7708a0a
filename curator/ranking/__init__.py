"""Entry embeddings, the team's relevance model and stories.

Callers import the module that does the job (`scoring`, `stories`, `embed`, `refit`): the package itself
stays empty so it can be imported before Django's apps are ready.
"""
