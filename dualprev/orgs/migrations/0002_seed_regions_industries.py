from django.db import migrations


def seed(apps, schema_editor):
    from dualprev.orgs.seed import load_industries, load_regions

    load_regions(apps.get_model("orgs", "Region"))
    load_industries(apps.get_model("orgs", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
