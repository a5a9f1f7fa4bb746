"""Reporting without an account (namespace ``report``, under ``/r/``): the enterprise's report
link and the thank-you page. The risk point's QR URL ``/q/<point>/`` (``risk_point_qr``) shows
the same form to anyone who is not a member of the point's enterprise."""

from django.urls import path

from dualprev.hazards import views_public

app_name = "report"

urlpatterns = [
    path("thanks/", views_public.thanks, name="thanks"),
    path("<uuid:key>/", views_public.enterprise_report, name="form"),
]
