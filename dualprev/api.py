"""The HTTP API (django-ninja): /api/v1/..., OpenAPI at /api/openapi.json."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.security import django_auth

from dualprev.core.access import api_route
from dualprev.core.tenancy import actor_for

api = NinjaAPI(
    title="dualprev API",
    version="1",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=django_auth,
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Request bodies that do not match the schema: 422 with a Chinese summary."""
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) or "body" for e in exc.errors})
    message = _("请求格式不正确，请检查字段：%(fields)s。") % {"fields": "、".join(fields)}
    return api.create_response(request, {"detail": message, "errors": exc.errors}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("没有权限执行此操作。")}, status=403)


class MeOut(Schema):
    username: str
    name: str
    kind: str
    role: str


@api.get("/v1/me", response=MeOut, tags=["accounts"])
@api_route("user")
def me(request: HttpRequest) -> MeOut:
    """The logged-in user and what they are in the product."""
    actor = actor_for(request.user)
    user = request.user
    return MeOut(
        username=user.get_username(),
        name=getattr(user, "display_name", ""),
        kind=actor.kind,
        role=actor.role,
    )


def _register_routers() -> None:
    from dualprev.reference.api import router as reference_router
    from dualprev.risks.api import router as risks_router

    api.add_router("/v1/reference", reference_router)
    api.add_router("/v1/assessments", risks_router)


_register_routers()
