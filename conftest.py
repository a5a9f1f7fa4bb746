import os

# Must be set before Django settings are imported by pytest-django.
os.environ.setdefault("DUALPREV_ENV", "test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
