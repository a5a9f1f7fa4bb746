from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from dualprev.api import api
from dualprev.risks.views_post import risk_point_qr

urlpatterns = [
    path("", include("dualprev.core.urls")),
    path("accounts/", include("dualprev.accounts.urls")),
    path("enterprise/", include("dualprev.orgs.urls")),
    path("risks/", include("dualprev.risks.urls")),
    path("maps/", include("dualprev.maps.urls")),
    path("major-hazards/", include("dualprev.majorhazards.urls")),
    path("inspections/", include("dualprev.inspections.urls")),
    path("checks/", include("dualprev.inspections.urls_worker")),
    path("hazards/", include("dualprev.hazards.urls")),
    path("regulator/", include("dualprev.supervision.urls")),
    path("notifications/", include("dualprev.notifications.urls")),
    path("inbox/", include("dualprev.notifications.urls_inbox")),
    path("reference/", include("dualprev.reference.urls")),
    path("q/<uuid:public_id>/", risk_point_qr, name="risk_point_qr"),
    path("r/", include("dualprev.hazards.urls_public")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
