"""Roles come from a migration: Editor reviews; Chief editor also publishes, keeps taxonomy."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_editor_reviews_but_does_not_publish(editor):
    assert editor.has_perms(
        [
            "papers.change_paper",
            "papers.change_topichit",
            "papers.add_topichit",
            "papers.change_institution",
            "papers.view_dailypage",
            "papers.change_frontmatter",
        ]
    )
    assert not editor.has_perm("papers.publish_dailypage")
    assert not editor.has_perm("papers.change_dailypage")
    assert not editor.has_perm("topics.change_topic")


def test_chief_editor_publishes_and_keeps_the_taxonomy(chief_editor):
    assert chief_editor.has_perms(
        [
            "papers.publish_dailypage",
            "papers.change_dailypage",
            "papers.change_paper",
            "topics.add_topic",
            "topics.change_subtopic",
            "topics.delete_area",
        ]
    )
    assert not chief_editor.has_perm("papers.change_ingestrun")


def test_both_groups_exist_with_permissions():
    counts = {g.name: g.permissions.count() for g in Group.objects.all()}
    assert counts["Editor"] > 10
    assert counts["Chief editor"] > counts["Editor"]


def test_every_permission_a_role_names_exists_and_is_granted():
    """Roles name permissions of models later migrations add (front matter): all granted."""
    from editorial.roles import ROLES

    for name, codenames in ROLES.items():
        assert Group.objects.get(name=name).permissions.count() == len(codenames), name
