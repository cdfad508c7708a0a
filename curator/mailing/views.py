"""Public subscription pages: sign up, confirm, unsubscribe (including RFC 8058 one-click)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from curator.editions.models import Pick
from curator.lib.client_ip import client_ip
from curator.mailing import clicks, signup_limits, signups, subscriptions
from curator.mailing.forms import SubscribeForm
from curator.mailing.models import Subscriber
from curator.outbox import handover


def invalid_link(request: HttpRequest, message: str, offer_signup: bool = False) -> HttpResponse:
    context = {"message": message, "offer_signup": offer_signup}
    return render(request, "mailing/invalid_link.html", context, status=400)


# The sign-up form sits in every archive page, and those pages are cached publicly; a CSRF token
# would make each page per-visitor (Set-Cookie, Vary: Cookie) and a cached copy's token would fail
# for the next visitor. A forged sign-up can only trigger a confirmation email to an address, which
# anyone can do by posting here directly; double opt-in and the honeypot are what guard this form.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "GET":
        return render(request, "mailing/subscribe.html", {"form": form})
    if not form.is_valid():
        return render(request, "mailing/subscribe.html", {"form": form}, status=400)
    try:
        allowed = signup_limits.take_signup_slot(client_ip(request))
    except signup_limits.LimitsUnavailable:
        # Fail closed: uncounted sign-ups would let a flood through while the cache is away.
        return render(request, "mailing/subscribe_unavailable.html", status=503)
    if not allowed:
        # Depends on the sender only, never on the address, so it tells a prober nothing.
        return render(request, "mailing/subscribe_limited.html", status=429)
    queued_later = False
    if not form.cleaned_data["website"]:
        # The same two writes for every address (a sign-up row and its outbox row, committed
        # together); the worker decides whether to mail, so neither the answer nor its timing
        # depends on whether the address was new, pending or already active.
        with handover.watch() as queued, transaction.atomic():
            signups.record(form.cleaned_data["email"], form.cleaned_data["name"])
        queued_later = not queued.handed_over
    # An unreachable queue changes the answer for every address alike, so it says nothing about one.
    return redirect(reverse("mailing:subscribe_done") + ("?queued=later" if queued_later else ""))


def subscribe_done(request: HttpRequest) -> HttpResponse:
    return render(request, "mailing/subscribe_done.html", {"queued_later": request.GET.get("queued") == "later"})


# The token in the URL is the secret that authorises the POST; a forged cross-site POST would need
# it, and mail programs open these links without our cookies, so a CSRF cookie would only get in the way.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET and HEAD only show a Confirm button: mail scanners fetch links, readers press buttons."""
    signup = None
    try:
        if signups.is_legacy_token(token):
            subscriber = subscriptions.subscriber_from_confirm_token(token)
            nonce, name = subscriber.confirm_nonce, subscriber.name
        else:
            signup = signups.signup_from_token(token)
            assert signup.subscriber is not None
            subscriber, nonce, name = signup.subscriber, signup.nonce, signup.name
    except subscriptions.InvalidToken as exc:
        return invalid_link(request, str(exc), offer_signup=True)
    if request.method != "POST":
        if signup is not None and signup.confirmed_at is not None:
            return _confirmed_page(request, subscriber)
        context = {"email": subscriber.email, "name": name, "max_length": 200}
        response = render(request, "mailing/confirm.html", context)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
    if not signups.confirm(subscriber, nonce, request.POST.get("name", ""), signup):
        # Unsubscribed or bounced between reading the link and confirming: that wins.
        return invalid_link(request, signups.NOT_VALID_ANY_MORE, True)
    return _confirmed_page(request, subscriber)


def _confirmed_page(request: HttpRequest, subscriber: Subscriber) -> HttpResponse:
    # A way out before the first issue (and its own unsubscribe link) arrives.
    context = {"subscriber": subscriber, "unsubscribe_url": subscriptions.unsubscribe_url(subscriber)}
    response = render(request, "mailing/confirmed.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # RFC 8058: mail providers POST here with no cookie, session or CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber_id = subscriptions.subscriber_id_from_unsubscribe_token(token)
    except subscriptions.InvalidToken as exc:
        return invalid_link(request, str(exc))
    row = Subscriber.objects.filter(pk=subscriber_id).values("email", "status").first()
    if row is None or row["status"] == Subscriber.Status.UNSUBSCRIBED:
        # Nothing to ask or to change; a replayed one-click POST lands here too and changes nothing.
        return render(request, "mailing/unsubscribed.html", {"already": True})
    if request.method == "GET":
        # Link scanners follow GETs; only the button's POST unsubscribes.
        return render(request, "mailing/unsubscribe.html", {"email": row["email"]})
    changed = subscriptions.unsubscribe(subscriber_id)
    return render(request, "mailing/unsubscribed.html", {"already": not changed})


@csrf_exempt  # the test email carries this link in its List-Unsubscribe header too: a provider may POST
@require_http_methods(["GET", "POST"])
def unsubscribe_sample(request: HttpRequest) -> HttpResponse:
    """The test email's unsubscribe link: it names no subscriber, so it only says that."""
    return render(request, "mailing/unsubscribe_sample.html")


@require_http_methods(["GET", "HEAD"])
def click(request: HttpRequest, token: str) -> HttpResponse:
    """302 to the pick's own URL; counted only for real readers of an issue that went out."""
    try:
        pick_id = clicks.pick_id_from_token(token)
    except clicks.InvalidClickToken as exc:
        return invalid_link(request, str(exc))
    pick = Pick.objects.select_related("issue", "entry").filter(pk=pick_id).first()
    url = clicks.destination(pick) if pick is not None else None
    if pick is None or url is None:
        return invalid_link(request, "This link no longer leads anywhere.")
    # Previews and test sends are not counted, nor a client's second click on the pick today.
    if pick.issue.is_locked and not clicks.is_automated(request) and clicks.first_click_today(request, pick.pk):
        clicks.count_click(pick.pk)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"  # a cached redirect would hide later clicks
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
