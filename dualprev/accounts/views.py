from __future__ import annotations

from django.contrib.auth import views as auth_views

from dualprev.accounts.forms import LoginForm
from dualprev.core.access import route

login = route("public")(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = route("user", action="view")(auth_views.LogoutView.as_view())
password_change = route("user")(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url="/accounts/password/done/",
    )
)
password_change_done = route("user")(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)
