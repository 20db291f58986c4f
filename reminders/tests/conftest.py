import pytest

from .push_service import start_push_service


@pytest.fixture
def push_service(settings, tmp_path):
    service, server = start_push_service()
    settings.PUSH_EXTRA_ORIGINS = [service.url]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield service
    server.shutdown()
    server.server_close()
