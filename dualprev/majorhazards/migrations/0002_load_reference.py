"""Load the GB 18218-2018 reference rows (flagged unverified; see majorhazards.seed)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from dualprev.majorhazards.seed import load_reference

    load_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("majorhazards", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
