"""The organisation and clients of the document tests, shared by the account tests."""

from tests.documents.conftest import clients, org, store  # noqa: F401  (fixtures)
