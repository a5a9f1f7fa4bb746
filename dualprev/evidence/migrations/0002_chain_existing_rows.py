"""Chain the check records (and hazard events) written before the evidence chain existed: each
enterprise's rows in id order, check records first. Idempotent (rows already chained are
skipped); reversing it deletes every chain entry, head and anchor."""

from django.db import migrations


def chain_existing_rows(apps, schema_editor):
    from dualprev.evidence.chain import Models, chain_existing

    chain_existing(Models.from_apps(apps))


def forget_chains(apps, schema_editor):
    for name in ("ChainAnchor", "ChainEntry", "ChainHead"):
        apps.get_model("evidence", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("inspections", "0002_open_window_end_index"),
        ("hazards", "0001_initial"),
    ]

    operations = [migrations.RunPython(chain_existing_rows, forget_chains)]
