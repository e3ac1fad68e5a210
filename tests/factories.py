"""Factories for test data; values are shaped like real arXiv records."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from papers.models import (
    Announcement,
    DailyPage,
    Institution,
    InstitutionAlias,
    Paper,
    PaperAuthor,
    PaperInstitution,
    PaperVersion,
    TopicHit,
)
from papers.publication import papers_publication_refresh_ids, publication_paper_ids
from topics.models import Area, Subtopic, Topic


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    slug = factory.Sequence(lambda n: f"area-{n}")
    name_zh = factory.Sequence(lambda n: f"领域{n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    area = factory.SubFactory(AreaFactory)
    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_zh = factory.Sequence(lambda n: f"专题{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")
    categories = factory.LazyFunction(lambda: ["cs.CL", "cs.AI", "cs.LG"])
    include_keywords = factory.LazyFunction(lambda: ["language model"])


class SubtopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subtopic

    topic = factory.SubFactory(TopicFactory)
    slug = factory.Sequence(lambda n: f"sub-{n}")
    name_zh = factory.Sequence(lambda n: f"子专题{n}")
    name_en = factory.Sequence(lambda n: f"Subtopic {n}")


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    arxiv_id = factory.Sequence(lambda n: f"2604.{n:05d}")
    version = 1
    title = factory.Sequence(lambda n: f"A study of large language models, part {n}")
    abstract = "We study $x<y$ in large language models and report results."
    primary_category = "cs.CL"
    categories = factory.LazyFunction(lambda: ["cs.CL", "cs.AI"])
    metadata_state = Paper.MetadataState.COMPLETE


class PaperAuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperAuthor

    paper = factory.SubFactory(PaperFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Author {n}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"University {n}")


class RegistryInstitutionFactory(InstitutionFactory):
    """An institution matched to ROR, with ROR's Chinese name (when given one)."""

    source = Institution.Source.ROR
    name_zh_source = Institution.NameZhSource.ROR
    ror_id = factory.Sequence(lambda n: f"0{n:06d}00")


class InstitutionAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstitutionAlias

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Univ. {n}")


class PublicationRowFactory(factory.django.DjangoModelFactory):
    """A listing, hit or page made here refreshes its papers' publication columns, as the
    services that write them do (papers.publication)."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            papers_publication_refresh_ids(publication_paper_ids(instance))


class AnnouncementFactory(PublicationRowFactory):
    class Meta:
        model = Announcement

    paper = factory.SubFactory(PaperFactory)
    announce_date = dt.date(2026, 4, 27)
    category = "cs.CL"
    announce_type = Announcement.Type.NEW
    version = 1


class TopicHitFactory(PublicationRowFactory):
    class Meta:
        model = TopicHit

    paper = factory.SubFactory(PaperFactory)
    topic = factory.SubFactory(TopicFactory)
    confidence = 0.8
    reason = "标题提到大语言模型"


class DailyPageFactory(PublicationRowFactory):
    class Meta:
        model = DailyPage

    topic = factory.SubFactory(TopicFactory)
    announce_date = dt.date(2026, 4, 27)


# --- public site ---------------------------------------------------------------------------
class PaperInstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperInstitution

    paper = factory.SubFactory(PaperFactory)
    institution = factory.SubFactory(InstitutionFactory)
    position = factory.Sequence(lambda n: n)


class PaperVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperVersion

    paper = factory.SubFactory(PaperFactory)
    version = 1


# ---- editorial ----


class StaffFactory(UserFactory):
    """A staff account; `groups=["Editor"]` gives it an editorial role by group name."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        from django.contrib.auth.models import Group

        if create and names:
            self.groups.set(Group.objects.filter(name__in=names))
