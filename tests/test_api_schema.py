"""Schemathesis tries the API against its OpenAPI document: requests generated from the
document (valid and invalid ones), with every check it has (server errors, undeclared status
codes and headers, responses that break their schema, invalid input accepted, valid input
refused, 405 without Allow, authentication ignored...)."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS

from tracker.accounts import services
from tracker.extensions import db

#: The document the app serves at /api/v1/openapi.json (test_api.py checks they are one).
schema = schemathesis.openapi.from_path(
    Path(__file__).parent.parent / "tracker" / "plan" / "openapi.yaml"
)


@pytest.fixture
def bearer(seeded_app, make_user):
    """A lezer's API token: the requests are authenticated as an API client's are."""
    user = make_user("lezer")
    _, token = services.create_api_token(user, "Schemathesis")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_openapi_document(case, seeded_app, bearer):
    # The seeded plan, served in-process: to every request, Schemathesis's probes too.
    case.operation.schema.app = seeded_app
    case.call_and_validate(app=seeded_app, headers=bearer, checks=CHECKS.get_all())
