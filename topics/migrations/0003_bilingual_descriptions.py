"""Descriptions in both languages: the English one keeps its text under its new name."""

from django.db import migrations, models

MODELS = ["area", "topic", "subtopic", "historicalarea", "historicaltopic", "historicalsubtopic"]


class Migration(migrations.Migration):
    dependencies = [
        ("topics", "0002_editorial_history"),
    ]

    operations = [
        *(
            migrations.RenameField(model_name=name, old_name="description", new_name="description_en")
            for name in MODELS
        ),
        *(
            migrations.AlterField(
                model_name=name,
                name="description_en",
                field=models.TextField(blank=True, verbose_name="English description"),
            )
            for name in MODELS
        ),
        *(
            migrations.AddField(
                model_name=name,
                name="description_zh",
                field=models.TextField(blank=True, verbose_name="中文简介"),
            )
            for name in MODELS
        ),
    ]
