"""Steps the e-mail tests share: subscribing through the form, following mailed links."""

import re
from urllib.parse import urlsplit

from django.test import Client

from topics.models import Subscription

LINK = re.compile(r"https://arxdaily\.example\.org(/subscribe/\w+/[\w-]+/)")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def mailed_path(message, kind: str) -> str:
    """The site path of the `kind` ("confirm", "unsubscribe") link in the mail's text part."""
    paths = [path for path in LINK.findall(text_of(message)) if f"/{kind}/" in path]
    assert len(paths) == 1, text_of(message)
    return paths[0]


def subscribe(client: Client, capture, *, email: str, topics, language: str = "en"):
    """Post the subscribe form (running what it queues after the commit); the response."""
    with capture(execute=True):
        return client.post(
            "/subscribe/",
            {"email": email, "topics": [topic.pk for topic in topics], "language": language},
        )


def subscribe_confirmed(client, capture, smtp, *, email: str, topics, language: str = "en"):
    """Subscribe and confirm through the mailed link; the Subscription."""
    subscribe(client, capture, email=email, topics=topics, language=language)
    path = mailed_path(smtp.to(email.lower())[-1], "confirm")
    assert client.post(path).status_code == 200
    return Subscription.objects.get(email=email.lower())


def unsubscribe_path(message) -> str:
    """The path of the List-Unsubscribe header's URL."""
    return urlsplit(message["List-Unsubscribe"].strip().strip("<>")).path
