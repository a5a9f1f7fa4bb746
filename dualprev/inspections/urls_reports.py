"""Oversight, exports, paper sheets and 补录 (mounted at /inspections/, namespace
"inspections"; see urls.py)."""

from django.urls import URLPattern, path

from dualprev.inspections import views_reports

urlpatterns: list[URLPattern] = [
    path("reports/", views_reports.rates, name="reports"),
    path("reports/export/", views_reports.rates_export, name="reports_export"),
    path("reports/missed/", views_reports.missed, name="reports_missed"),
    path("reports/missed/export/", views_reports.missed_export, name="reports_missed_export"),
    path("reports/findings/", views_reports.findings, name="reports_findings"),
    path("reports/findings/export/", views_reports.findings_export, name="reports_findings_export"),
    path("load/", views_reports.load, name="load"),
    path("checklist.xlsx", views_reports.checklist, name="checklist"),
    path("sheets/", views_reports.sheets, name="sheets"),
    path("sheets/<uuid:public_id>.pdf", views_reports.sheet, name="sheet"),
    path("backfill/", views_reports.backfill, name="backfill"),
]
