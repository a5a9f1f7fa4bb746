from django.urls import path

from dualprev.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("password/done/", views.password_change_done, name="password_change_done"),
]

# The enterprise's people pages live under /enterprise/ (namespace "orgs"); orgs.urls
# includes these patterns.
people_patterns = [
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<uuid:public_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:public_id>/password/", views.person_password, name="person_password"),
    path("people/<uuid:public_id>/deactivate/", views.person_deactivate, name="person_deactivate"),
]
