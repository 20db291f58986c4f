"""Mounts each app's router; every operation is documented at /api/docs."""

from ninja import NinjaAPI
from ninja.security import SessionAuth

from accounts.api import router as accounts_router

api = NinjaAPI(
    title="Well-Rounded API",
    version="1",
    description="A student's own data, and schools' anonymous aggregates.",
    auth=SessionAuth(),
    urls_namespace="api",
)
api.add_router("/me", accounts_router)
