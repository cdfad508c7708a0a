"""Measured runs of the app's hot paths, each against a naive baseline: `manage.py benchmark <name>`.

They live outside the app packages so the app's modules carry no code that only a benchmark calls;
docs/benchmarks.md has the figures and how to reproduce them.
"""
