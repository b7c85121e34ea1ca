import django.db.models.deletion
from django.db import migrations, models

# The many-to-many table between history rows and sources already exists (made for the field's automatic
# through model): this only tells Django it is now a model of its own, whose source side is PROTECT.
STATE = [
    migrations.CreateModel(
        name="StatusChangeSource",
        fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            (
                "source",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="status_change_links",
                    to="promises.source",
                    verbose_name="sumber",
                ),
            ),
            (
                "statuschange",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE,
                    to="promises.statuschange",
                    verbose_name="perubahan status",
                ),
            ),
        ],
        options={
            "verbose_name": "sumber riwayat",
            "verbose_name_plural": "sumber riwayat",
            "db_table": "promises_statuschange_sources",
            "unique_together": {("statuschange", "source")},
        },
    ),
    migrations.AlterField(
        model_name="statuschange",
        name="sources",
        field=models.ManyToManyField(
            blank=True,
            related_name="status_changes",
            through="promises.StatusChangeSource",
            to="promises.source",
            verbose_name="sumber",
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [("promises", "0010_indicator_cumulative")]

    operations = [migrations.SeparateDatabaseAndState(state_operations=STATE, database_operations=[])]
