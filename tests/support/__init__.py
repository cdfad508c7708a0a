"""Helpers that test modules import: real local servers, form data, polling, browser steps.

Test modules import from here and from tests/factories.py, never from another test module or a conftest.
"""
