import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def reference_data_dir() -> Path:
    return Path(os.environ.get("PNYX_REFERENCE_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The shared real-data folder; tests using it skip (saying why) when it is absent."""
    path = reference_data_dir()
    if not path.is_dir():
        pytest.skip(f"reference data not found at {path} (set PNYX_REFERENCE_DATA)")
    return path
