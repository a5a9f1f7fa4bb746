"""Attach the acting user's Actor to the request (resolved lazily, once)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from dualprev.core.tenancy import actor_for


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: actor_for(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)


class LanguageMiddleware:
    """Chinese unless the user chose otherwise.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so an
    English-language browser would get English by default; the product's default is Chinese,
    and only the language switch (its cookie) changes it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", code)
        return response


class RequestSizeMiddleware:
    """Refuse a request body larger than ``settings.MAX_REQUEST_BYTES`` before anything reads
    it. Django's CSRF middleware parses POST bodies (spooling file parts to disk) before a view
    runs, so a view-level check comes too late to stop a huge upload from filling the disk.
    The largest valid body is three 10 MB check photos; the rest of the product sends less."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        length = request.META.get("CONTENT_LENGTH") or "0"
        limit: int = settings.MAX_REQUEST_BYTES
        if length.isdigit() and int(length) > limit:
            message = _("上传内容过大：一次提交不能超过 %(mb)d MB。") % {"mb": limit // 2**20}
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse({"ok": False, "message": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
