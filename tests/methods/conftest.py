"""Shared fixtures of the method tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# These modules test mes.py's own completion (certificates against the unit-by-unit scan) on
# small random elections, which ``mes.equal_shares`` would otherwise hand to ``mes_small``
# (tested against the same scan in test_mes_small.py).
_MES_OWN_PATH_MODULES = {"test_mes", "test_mes_certificates", "test_mes_internals"}


@pytest.fixture(autouse=True)
def _mes_own_path(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.module.__name__.rsplit(".", 1)[-1] not in _MES_OWN_PATH_MODULES:
        yield
        return
    from pnyx.methods import mes_small

    saved = mes_small.ENABLED
    mes_small.ENABLED = False
    try:
        yield
    finally:
        mes_small.ENABLED = saved
