"""Pages of the notifications app: the inbox (``/inbox/``, everyone, phone-first) and the
enterprise's channels and delivery log (``/notifications/``, company roles). Thin HTTP glue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import MANAGE_ORG
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.notifications import actions, queries
from dualprev.notifications.access import access_channel, access_own_message
from dualprev.notifications.choices import DeliveryStatus
from dualprev.notifications.forms import ChannelForm, DeliveryFilterForm
from dualprev.notifications.models import NotificationChannel
from dualprev.orgs.access import own_enterprise

# --- Inbox -----------------------------------------------------------------------------------


@route("user")
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = queries.paginate(queries.inbox_rows(request.user, unread_only), request.GET.get("page"))
    context = {
        "page_obj": page,
        "querystring_without_page": queries.querystring_without_page(request.GET),
        "unread_only": unread_only,
        "unread_total": queries.unread_count(request.user),
    }
    return render(request, "notifications/inbox.html", context)


@route("user")
@require_POST
def open_message(request: HttpRequest) -> HttpResponse:
    """Mark the message read and go to what it is about (or back to the inbox)."""
    if not request.POST.get("id"):
        return redirect("inbox:index")
    message = access_own_message(request.user, request.POST["id"])
    actions.mark_read(notification=message)
    target = message.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("inbox:index")


@route("user")
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = actions.mark_all_read(
        user=request.user, enterprise_id=actor_for(request.user).enterprise_id
    )
    if count:
        messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": count})
    return redirect("inbox:index")


# --- Channels --------------------------------------------------------------------------------


@route("enterprise", action=MANAGE_ORG)
def channel_list(request: HttpRequest) -> HttpResponse:
    context = {"channels": queries.channel_rows(request.user)}
    return render(request, "notifications/channels.html", context)


def _channel_form_page(
    request: HttpRequest, form: ChannelForm, channel: NotificationChannel | None
) -> HttpResponse:
    title = _("编辑通知渠道") if channel else _("添加通知渠道")
    context = {"form": form, "channel": channel, "title": title}
    return render(request, "notifications/channel_form.html", context)


@route("enterprise", action=MANAGE_ORG)
def channel_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_ORG)
    form = ChannelForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            channel = actions.save_channel(
                enterprise=enterprise, acting_user=request.user, values=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已添加通知渠道“%(name)s”。") % {"name": channel.name})
            return redirect("notifications:channels")
    return _channel_form_page(request, form, None)


@route("enterprise", action=MANAGE_ORG, subject=NotificationChannel)
def channel_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    channel = access_channel(request.user, public_id, MANAGE_ORG)
    form = ChannelForm(request.POST or None, enterprise=channel.enterprise, channel=channel)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_channel(
                enterprise=channel.enterprise,
                acting_user=request.user,
                values=form.cleaned_data,
                channel=channel,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存通知渠道“%(name)s”。") % {"name": channel.name})
            return redirect("notifications:channels")
    return _channel_form_page(request, form, channel)


@route("enterprise", action=MANAGE_ORG, subject=NotificationChannel)
@require_POST
def channel_toggle(request: HttpRequest, public_id: str) -> HttpResponse:
    channel = access_channel(request.user, public_id, MANAGE_ORG)
    enable = request.POST.get("enabled") == "1"
    actions.set_channel_enabled(channel=channel, enabled=enable)
    text = _("已启用“%(name)s”。") if enable else _("已停用“%(name)s”，不再向它发送消息。")
    messages.success(request, text % {"name": channel.name})
    return redirect("notifications:channels")


@route("enterprise", action=MANAGE_ORG, subject=NotificationChannel)
@require_POST
def channel_test(request: HttpRequest, public_id: str) -> HttpResponse:
    channel = access_channel(request.user, public_id, MANAGE_ORG)
    try:
        _delivery, outcome = actions.send_test(channel=channel, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("notifications:channels")
    if outcome.status == DeliveryStatus.SENT:
        messages.success(request, _("测试消息已发送到“%(name)s”。") % {"name": channel.name})
    else:
        messages.error(
            request,
            _("测试消息发送失败：%(error)s") % {"error": outcome.error},
        )
    return redirect(f"{reverse('notifications:deliveries')}?channel={channel.public_id}")


# --- Delivery log ----------------------------------------------------------------------------


@route("enterprise", action=MANAGE_ORG)
def delivery_list(request: HttpRequest) -> HttpResponse:
    form = DeliveryFilterForm(request.GET or None, channels=queries.channel_rows(request.user))
    rows = queries.delivery_rows(request.user, form.filters() if form.is_bound else {})
    context = {
        "form": form,
        "page_obj": queries.paginate(rows, request.GET.get("page")),
        "querystring_without_page": queries.querystring_without_page(request.GET),
    }
    return render(request, "notifications/deliveries.html", context)
