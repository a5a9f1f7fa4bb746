from django.urls import path

from dualprev.supervision import views, views_hazards

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<uuid:public_id>/", views.enterprise_detail, name="enterprise_detail"),
    # Hazard supervision (隐患监管): overview and the inbox of reports from enterprises.
    path("hazards/", views_hazards.hazard_overview, name="hazards"),
    path("hazard-reports/", views_hazards.report_list, name="hazard_reports"),
    path(
        "hazard-reports/<uuid:public_id>/",
        views_hazards.report_detail,
        name="hazard_report_detail",
    ),
    path(
        "hazard-reports/<uuid:public_id>/acknowledge/",
        views_hazards.report_acknowledge,
        name="hazard_report_acknowledge",
    ),
]
