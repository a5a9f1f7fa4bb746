"""Excel in and out of the 风险分级管控清单: export, blank template, and the import flow
(upload → dry run → commit). Thin HTTP glue; the work is in ``exporters``/``importers``, and
files over ``INLINE_ROWS`` data rows run as a background job (``tasks``) whose progress the page
polls every second with htmx.

A stored upload belongs to one enterprise: ``access_upload`` answers 404 for anyone else's (and
for missing or expired ones), so the per-upload routes declare ``subject=Enterprise``: the route
matrix then expects strangers to get 404, as for any object of another tenant."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import MANAGE_RISKS
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.orgs.access import own_enterprise
from dualprev.orgs.models import Enterprise
from dualprev.risks import exporters, importers
from dualprev.risks.tasks import process_register_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_PAGE = 200


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


@route("enterprise")
def export(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user)
    today = timezone.localdate().strftime("%Y%m%d")
    return _xlsx(exporters.export_register(enterprise), f"风险分级管控清单-{today}.xlsx")


@route("enterprise")
def template(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user)
    return _xlsx(exporters.export_template(enterprise), "风险分级管控清单-模板.xlsx")


def access_upload(user: Any, upload_id: Any, action: str = MANAGE_RISKS) -> importers.StoredUpload:
    """The stored upload if it belongs to the user's enterprise (404 otherwise, also when
    missing or expired); 403 when the user may see it but not import."""
    actor = actor_for(user)
    upload = importers.StoredUpload.load(upload_id)
    if upload is None or not actor.is_enterprise or upload.enterprise_id != actor.enterprise_id:
        raise Http404
    if not actor.can(action):
        raise PermissionDenied
    return upload


@route("enterprise", action=MANAGE_RISKS)
def import_start(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_RISKS)
    error = ""
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            error = _("请选择要上传的文件。")
        elif upload_file.size is not None and upload_file.size > importers.limit("MAX_FILE_BYTES"):
            error = _("文件过大，上限为 %(limit)s MB。") % {
                "limit": f"{importers.limit('MAX_FILE_BYTES') / 1048576:g}"
            }
        else:
            data = upload_file.read()
            try:
                rows = importers.count_rows(data)
            except importers.ImportFileError as exc:
                error = str(exc)
            else:
                upload = importers.store_upload(
                    data, enterprise=enterprise, user=request.user,
                    filename=upload_file.name or "", rows=rows,
                )  # fmt: skip
                _run(upload, commit=False, user=request.user)
                return redirect("risks:import_upload", upload_id=upload.id)
    context = {"enterprise": enterprise, "error": error, "limits": _limits()}
    return render(request, "risks/io/import.html", context, status=400 if error else 200)


def _limits() -> dict[str, Any]:
    return {
        "size_mb": f"{importers.limit('MAX_FILE_BYTES') / 1048576:g}",
        "rows": importers.limit("MAX_ROWS"),
    }


def _run(upload: importers.StoredUpload, *, commit: bool, user: Any) -> None:
    """Small files inline; large ones as a background job the page polls."""
    if not upload.background:
        importers.process_upload(upload, commit=commit, acting_user=user)
        return
    upload.state, upload.done, upload.total = "queued", 0, 0
    upload.save()
    process_register_upload.enqueue(upload.id, commit, user.pk)


@route("enterprise", action=MANAGE_RISKS, subject=Enterprise)
def import_upload(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = access_upload(request.user, upload_id)
    if upload.state == "uploaded":  # stored but never checked (e.g. a crashed request)
        _run(upload, commit=False, user=request.user)
    if request.htmx and request.GET.get("progress"):  # type: ignore[attr-defined]
        response = render(request, "risks/io/_progress.html", {"upload": upload})
        if not upload.running:
            response["HX-Refresh"] = "true"
        return response
    report = upload.report or {}
    rows = report.get("rows", [])
    show = request.GET.get("show", "")
    if show == "problems":
        rows = [row for row in rows if row["status"] != "ok"]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "upload": upload,
        "report": report,
        "page_obj": page,
        "show": show,
        "querystring_without_page": f"show={show}&" if show else "",
    }
    return render(request, "risks/io/upload.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=Enterprise)
@require_POST
def import_commit(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = access_upload(request.user, upload_id)
    url = reverse("risks:import_upload", kwargs={"upload_id": upload.id})
    if upload.state != "validated" or not (upload.report or {}).get("ok"):
        messages.error(request, _("该文件尚未通过检查或已导入，不能导入。"))
        return redirect(url)
    _run(upload, commit=True, user=request.user)
    if upload.state == "committed":
        messages.success(request, _("已导入，共 %s 行。") % (upload.report or {}).get("total", 0))
    elif upload.state == "validated":
        messages.error(request, _("重新检查时发现错误，未写入任何数据。"))
    return redirect(url)
