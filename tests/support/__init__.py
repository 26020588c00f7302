"""What more than one test package uses: builders, fake services and fixtures (no test package imports another's).

Fixture modules here are registered as plugins by tests/conftest.py, so any test can ask for their fixtures.
"""
