"""Writes about people: an enterprise's staff are a User (the login) plus a Membership (role, org
unit, posts), always written together.

Functions are keyword-only, validate with the models' ``full_clean`` and raise one
``ValidationError`` (keyed by field name) listing every problem; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dualprev.accounts.models import Membership, User
from dualprev.orgs.models import Enterprise, OrgUnit, Post


def check_person(
    *,
    enterprise: Enterprise,
    user: User,
    membership: Membership,
    posts: Iterable[Post],
    password: str | None = None,
) -> None:
    """Validate an unsaved or edited person (User + Membership + posts) as a whole.

    Collects the errors of both models so that the form shows them all at once."""
    errors: dict[str, list[str]] = {}

    def collect(exc: ValidationError) -> None:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)

    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        collect(exc)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors.setdefault("password", []).extend(exc.messages)
    try:
        membership.full_clean(exclude=["user"])
    except ValidationError as exc:
        collect(exc)
    if any(post.enterprise_id != enterprise.pk for post in posts):
        errors.setdefault("posts", []).append(_("岗位必须属于本企业。"))
    if errors:
        raise ValidationError(errors)


@contextmanager
def _atomic_or_conflict() -> Iterator[None]:
    """A transaction whose unique-key race (two managers saving the same mobile at once)
    becomes a user message instead of a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("保存时发生冲突（用户名或手机号可能刚被占用），请检查后重试。")]}
        ) from exc


def create_person(
    *,
    enterprise: Enterprise,
    username: str,
    name: str,
    mobile: str | None,
    password: str,
    role: str,
    org_unit: OrgUnit | None,
    posts: Iterable[Post] = (),
) -> Membership:
    """Create a login and its membership of ``enterprise`` in one transaction.

    Invariant: either both the User and the Membership (with its posts) exist afterwards, or
    neither does; the password passes the password validators; username and mobile are unique
    and never equal another account's mobile or username."""
    posts = list(posts)
    user = User(username=username.strip(), name=name.strip(), mobile=(mobile or "").strip() or None)
    membership = Membership(enterprise=enterprise, role=role, org_unit=org_unit)
    with _atomic_or_conflict():
        check_person(
            enterprise=enterprise, user=user, membership=membership, posts=posts, password=password
        )
        user.set_password(password)
        user.save()
        membership.user = user
        membership.save()
        membership.posts.set(posts)
    return membership


def update_person(
    *,
    membership: Membership,
    acting_user: User,
    name: str,
    mobile: str | None,
    role: str,
    org_unit: OrgUnit | None,
    posts: Iterable[Post],
    is_active: bool,
) -> Membership:
    """Edit a person's name, mobile, role, unit, posts and active flag.

    Invariants: ``user.is_active`` mirrors ``membership.is_active``; a manager can neither
    change their own role nor deactivate themselves (so nobody locks themselves out)."""
    posts = list(posts)
    if membership.user_id == acting_user.pk:
        errors = {}
        if role != membership.role:
            errors["role"] = [_("不能修改自己的角色，请由其他管理人员操作。")]
        if not is_active:
            errors["is_active"] = [_("不能停用自己的账号。")]
        if errors:
            raise ValidationError(errors)
    user = membership.user
    user.name = name.strip()
    user.mobile = (mobile or "").strip() or None
    user.is_active = is_active
    membership.role = role
    membership.org_unit = org_unit
    membership.is_active = is_active
    try:
        with _atomic_or_conflict():
            check_person(
                enterprise=membership.enterprise, user=user, membership=membership, posts=posts
            )
            user.save(update_fields=["name", "mobile", "is_active"])
            membership.save()
            membership.posts.set(posts)
    except ValidationError:
        # Leave the caller's objects as stored, not half-edited.
        user.refresh_from_db()
        membership.refresh_from_db()
        raise
    return membership


@transaction.atomic
def deactivate_person(*, membership: Membership, acting_user: User) -> Membership:
    """Stop a person from logging in and acting for the enterprise. Never deletes: the
    person's records (checks, hazards) keep pointing at them.

    Invariant: membership and user are deactivated together; nobody deactivates themselves."""
    if membership.user_id == acting_user.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    user = membership.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def reset_password(*, membership: Membership, password: str) -> User:
    """Set a new password chosen by a manager. Invariant: it passes the password validators.
    The person's existing sessions end (Django ties sessions to the password hash)."""
    user = membership.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
