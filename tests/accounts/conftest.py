from tests.documents.conftest import org  # noqa: F401 (fixture)
