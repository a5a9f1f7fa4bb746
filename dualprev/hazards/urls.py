"""URLs of the hazards app under ``/hazards/`` (namespace ``hazards``), one module per page
group so each stays small: office (register, detail, workflow forms), worker (phone: report,
my hazards, submit the fix), triage (public reports), reports (PDFs, Excel, statistics) and
participation (全员参与: points and leaderboard)."""

from dualprev.hazards import (
    urls_office,
    urls_participation,
    urls_reports,
    urls_triage,
    urls_worker,
)

app_name = "hazards"

urlpatterns = [
    *urls_office.urlpatterns,
    *urls_worker.urlpatterns,
    *urls_triage.urlpatterns,
    *urls_reports.urlpatterns,
    *urls_participation.urlpatterns,
]
