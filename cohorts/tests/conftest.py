import pytest

from cohorts.signals import aggregates_read, staff_changed


@pytest.fixture
def announced():
    """The kinds cohorts announced to the audit trail, in order (cohorts may not import the
    vault; wellrounded/tests/test_audit_*.py check the rows they become)."""
    kinds: list[str] = []

    def heard(sender, *, kind, **kwargs):
        kinds.append(kind)

    staff_changed.connect(heard, dispatch_uid="test-announced-changed")
    aggregates_read.connect(heard, dispatch_uid="test-announced-read")
    yield kinds
    staff_changed.disconnect(dispatch_uid="test-announced-changed")
    aggregates_read.disconnect(dispatch_uid="test-announced-read")
