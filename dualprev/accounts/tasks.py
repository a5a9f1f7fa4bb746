"""Background jobs of the accounts app (run by the django-tasks worker, never in a request)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task()
def clear_expired_sessions() -> int | None:
    """Delete expired sessions, as ``dualprev clearsessions`` does.

    Goes through the session engine's ``clear_expired()`` so that any engine works. Returns how
    many sessions had expired when the job started, when the engine keeps sessions in a model
    (one indexed COUNT); ``None`` for engines that cannot tell. Idempotent: a second run finds
    nothing left to delete.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    expired: int | None = None
    get_model_class = getattr(store, "get_model_class", None)
    if get_model_class is not None:
        # clear_expired() returns nothing, so count first. A session that expires between the
        # two statements is deleted too but not counted; the figure is for logs, not invariants.
        expired = get_model_class().objects.filter(expire_date__lt=timezone.now()).count()
    store.clear_expired()
    return expired
