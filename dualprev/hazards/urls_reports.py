"""reports routes of the hazards app (see urls.py): one hazard's printable documents, the
隐患治理台账 Excel and the quarterly/annual statistics."""

from django.urls import URLPattern, path

from dualprev.hazards import views_reports

urlpatterns: list[URLPattern] = [
    path("<uuid:public_id>/notice.pdf", views_reports.notice_pdf, name="notice_pdf"),
    path("<uuid:public_id>/acceptance.pdf", views_reports.acceptance_pdf, name="acceptance_pdf"),
    path("<uuid:public_id>/major-plan.pdf", views_reports.major_plan_pdf, name="major_plan_pdf"),
    path(
        "<uuid:public_id>/major-report.pdf",
        views_reports.major_report_pdf,
        name="major_report_pdf",
    ),
    path("ledger.xlsx", views_reports.ledger_xlsx, name="ledger_xlsx"),
    path("stats/", views_reports.stats_page, name="stats"),
    path("stats.xlsx", views_reports.stats_xlsx, name="stats_xlsx"),
    path("stats.pdf", views_reports.stats_pdf, name="stats_pdf"),
]
