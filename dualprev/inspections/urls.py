"""Office pages of the inspection module (``/inspections/``): tasks, special inspections,
停用/检修, commitments (urls_office) and oversight, exports, paper sheets, 补录 (urls_reports).
The worker's phone pages live under ``/checks/`` (urls_worker)."""

from dualprev.inspections.urls_office import urlpatterns as office
from dualprev.inspections.urls_reports import urlpatterns as reports

app_name = "inspections"
urlpatterns = [*office, *reports]
