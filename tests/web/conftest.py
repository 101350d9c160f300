import pytest

from tests.web.site import SiteThread


@pytest.fixture
def site():
    runner = SiteThread()
    yield runner.start()
    runner.stop()
