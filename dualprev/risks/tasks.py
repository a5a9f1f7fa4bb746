"""Background jobs of the risk register: the dry run and the commit of large register files
(run by the django-tasks worker; small files are processed inline by the view)."""

from __future__ import annotations

from django_tasks import task

from dualprev.accounts.models import User
from dualprev.risks.importers import StoredUpload, process_upload


@task()
def process_register_upload(
    upload_id: str, commit: bool = False, user_id: int | None = None
) -> str:
    """Dry-run (or commit) the stored upload ``upload_id``, writing progress to its sidecar.

    Idempotent enough to be retried: a dry run writes nothing; a commit re-validates the file
    and matches existing rows by name, so running it twice does not duplicate the register.
    Returns the final state ("validated", "committed", or "expired" if the upload is gone)."""
    upload = StoredUpload.load(upload_id)
    if upload is None:
        return "expired"
    user = User.objects.filter(pk=user_id).first() if user_id else None
    process_upload(upload, commit=commit, acting_user=user)
    return upload.state
