"""The subscribe, confirm and unsubscribe pages: thin views over digests.services.

No page ever shows an address, and the subscribe form answers the same whether or not the
address is known. A GET never changes anything (mail scanners fetch links): confirming and
unsubscribing are POSTs, the unsubscribe one without a CSRF token (RFC 8058 one-click: the
mail client posts `List-Unsubscribe=One-Click`), authorised by the link's token alone.
"""

import math

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from digests import services, tasks
from digests.forms import SubscribeForm
from digests.selectors import subscription_token_get
from public.ratelimit import client_ident, rate_parse, rate_window_count
from topics.models import Subscription


def _rate_limited(request):
    """A 429 page with Retry-After when this client posted the form too often, else None."""
    if not settings.DIGEST_SUBSCRIBE_RATE:
        return None
    limit, period = rate_parse(settings.DIGEST_SUBSCRIBE_RATE, setting="DIGEST_SUBSCRIBE_RATE")
    wait = rate_window_count(
        scope="subscribe", ident=client_ident(request), limit=limit, period=period
    )
    if wait is None:
        return None
    response = render(request, "digests/rate_limited.html", status=429)
    response["Retry-After"] = str(math.ceil(wait))
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """The form (GET); its POST answers every valid request with the same redirect to
    `requested`, 429 past DIGEST_SUBSCRIBE_RATE per client IP, the form again (without the
    address) when invalid."""
    if request.method == "POST":
        if limited := _rate_limited(request):
            return limited
        form = SubscribeForm(request.POST)
        if form.is_valid():
            if subscription_id := services.subscription_request(**form.cleaned_data):
                tasks.subscription_confirm_send.delay_on_commit(subscription_id)
            return redirect("digests:requested")
    else:
        language = "en" if (get_language() or "").startswith("en") else "zh-hans"
        form = SubscribeForm(initial={"language": language})
    return render(request, "digests/subscribe.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def requested(request):
    """ "Check your inbox": the one answer to every subscribe request."""
    return render(request, "digests/requested.html")


def _token_action(request, token: str, *, action, template: str):
    """GET: the page with its one button; POST: `action(token=…)`, then the page saying so.
    The template gets `done` and the token's `subscription` (its state, topics and language:
    never render its address). An unknown token is a 404, like any other unknown page."""
    done = request.method == "POST"
    try:
        subscription = action(token=token) if done else subscription_token_get(token=token)
    except Subscription.DoesNotExist:
        raise Http404 from None
    return render(request, template, {"done": done, "subscription": subscription})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """The confirmation link: a page with a button (GET); its POST (with the CSRF token)
    confirms and shows the topics and language subscribed to. The mail holding this link is
    digests/mail/confirm.*, not this page."""
    return _token_action(
        request, token, action=services.subscription_confirm, template="digests/confirm.html"
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """The List-Unsubscribe link: a button (GET; "already unsubscribed" once it is),
    unsubscribed (POST: the button, or a mail client's RFC 8058 one-click
    `List-Unsubscribe=One-Click`, without a CSRF token)."""
    return _token_action(
        request,
        token,
        action=services.subscription_unsubscribe,
        template="digests/unsubscribe.html",
    )
