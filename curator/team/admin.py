"""The team's pages: suggest a link, my profile (byline, bookmarklet), My picks, and the small POSTs
behind the desk's `v` and `c` keys and the issue page's buttons.

All are custom views of the suggestion admin (URL names admin:team_*). Each declares its
permission; what a Contributor may change beyond that (only their own blurbs) is checked again in
claims.py, so a hand-made request gets the same refusal as the page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from curator.editions.models import Pick, WorkflowError
from curator.feeds.models import Entry
from curator.lib.admin_permissions import permission_required, staff_user
from curator.team import claims, marks, votes
from curator.team.models import Assignment, Member, Suggestion
from curator.team.suggestions import MAX_NOTE, SuggestionRefused, suggest
from summarizer.models import Draft

PICK_ACTIONS = ("claim", "unclaim", "written", "approve", "blurb", "voice")


class SuggestForm(forms.Form):
    url = forms.CharField(label="Link, arXiv id or DOI", max_length=2000)
    title = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Why the team should read it",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["display_name", "link", "voice_drafts"]


def back_to(request: HttpRequest, fallback: str) -> str:
    """The `next` the page sent, when it is one of ours; the fallback otherwise (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["entry", "user", "note", "fetch_error", "created_at"]
    list_select_related = ["entry", "user"]
    readonly_fields = ["entry", "user", "typed", "note", "fetch_error", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # suggestions come from the suggest page, which fetches and deduplicates

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("suggest/", wrap(self.suggest_view), name="team_suggest"),
            path("profile/", wrap(self.profile_view), name="team_profile"),
            path("my-picks/", wrap(self.my_picks_view), name="team_my_picks"),
            path("vote/<int:entry_id>/", wrap(require_POST(self.vote_view)), name="team_vote"),
            path("claim-entry/<int:entry_id>/", wrap(require_POST(self.claim_entry_view)), name="team_claim_entry"),
            path("pick/<int:pick_id>/<str:action>/", wrap(require_POST(self.pick_view)), name="team_pick"),
            *super().get_urls(),
        ]

    def _page(self, request: HttpRequest, template: str, title: str, **context: Any) -> TemplateResponse:
        return TemplateResponse(request, template, {**self.admin_site.each_context(request), "title": title, **context})

    @permission_required("team.add_suggestion")
    def suggest_view(self, request: HttpRequest) -> HttpResponse:
        """The bookmarklet's target and the desk and dashboard boxes' form handler."""
        if request.method != "POST":
            form = SuggestForm(initial={k: request.GET.get(k, "") for k in ("url", "title", "note")})
            return self._page(request, "admin/team/suggest.html", "Suggest a link", form=form)
        form = SuggestForm(request.POST)
        here = reverse("admin:team_suggest")
        if form.is_valid():
            try:
                entry = suggest(form.cleaned_data["url"], staff_user(request), form.cleaned_data["note"])
            except SuggestionRefused as exc:
                form.add_error("url", str(exc))
            else:
                mark = entry.team_suggestions.filter(user=staff_user(request)).first()
                if mark and mark.fetch_error:
                    text = f"Suggested, but could not fetch: {mark.fetch_error}"
                    self.message_user(request, text, messages.WARNING)
                else:
                    self.message_user(request, f"Suggested: {entry.title}", messages.SUCCESS)
                return HttpResponseRedirect(back_to(request, here))
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        back = back_to(request, "")
        if back:  # a box on another page: say it there, keep nothing
            self.message_user(request, f"Nothing suggested: {message}", messages.ERROR)
            return HttpResponseRedirect(back)
        response = self._page(request, "admin/team/suggest.html", "Suggest a link", form=form)
        response.status_code = 400
        return response

    @permission_required("team.view_member")
    def profile_view(self, request: HttpRequest) -> HttpResponse:
        """Each member edits only their own byline: the page takes no user id."""
        member, _ = Member.objects.get_or_create(user=staff_user(request))
        form = MemberForm(request.POST or None, instance=member)
        if request.method == "POST" and form.is_valid():
            form.save()
            self.message_user(request, "Your byline is saved.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:team_profile"))
        suggest_url = request.build_absolute_uri(reverse("admin:team_suggest"))
        return self._page(
            request,
            "admin/team/profile.html",
            "My profile",
            form=form,
            member=member,
            suggest_url=suggest_url,
            can_suggest=request.user.has_perm("team.add_suggestion"),
        )

    @permission_required("team.claim_pick")
    def my_picks_view(self, request: HttpRequest) -> HttpResponse:
        picks = marks.my_picks(request.user)
        entry_ids = [p.entry_id for p in picks if p.entry_id]
        drafts: dict[int, list[Draft]] = {}
        for draft in Draft.objects.filter(entry_id__in=entry_ids).order_by("-created_at")[: 5 * len(entry_ids)]:
            drafts.setdefault(draft.entry_id, []).append(draft)
        rows = [{"pick": p, "drafts": drafts.get(p.entry_id or 0, [])[:3]} for p in picks]
        written = sum(1 for p in picks if p.assignment.state in marks.DONE)
        return self._page(request, "admin/team/my_picks.html", "My picks", rows=rows, written=written, total=len(picks))

    @permission_required("team.add_vote")
    def vote_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        try:
            voted = votes.toggle_vote(entry_id, request.user)
        except Entry.DoesNotExist as exc:
            raise Http404("No such entry.") from exc
        names = marks.entry_marks([entry_id]).get(entry_id, marks.EntryMarks()).voters
        text = "+1 noted." if voted else "+1 taken back."
        if wants_json(request):
            return JsonResponse({"ok": True, "voted": voted, "voters": names, "message": text})
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(back_to(request, reverse("admin:feeds_entry_desk")))

    def _draft_in_voice(self, pick: Pick, user: Any) -> str:
        from curator.team import voice

        assignment = claims.assignment_of(pick)
        if assignment.writer_id != user.pk:
            raise PermissionDenied("You may not draft this pick in your voice: it is someone else's to write.")
        if voice.draft_in_voice(pick, user) is None:
            raise WorkflowError("Turn on “drafts in my voice” on your profile first (and the pick needs an entry).")
        return f"A draft of “{pick.title}” in your voice is ready."

    @permission_required("team.claim_pick")
    def claim_entry_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        """The desk's `c`: claim the entry's pick in the issue being edited."""
        from curator.team.desk_admin import pick_in_progress

        pick = pick_in_progress(entry_id)
        if pick is None:
            message = "This entry is not a pick of the issue being edited: an editor adds it first."
            if wants_json(request):
                return JsonResponse({"ok": False, "message": message}, status=400)
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(back_to(request, reverse("admin:feeds_entry_desk")))
        return self.pick_view(request, pick.pk, "claim")

    @permission_required("team.claim_pick")
    def pick_view(self, request: HttpRequest, pick_id: int, action: str) -> HttpResponse:
        """claim, unclaim, written, approve or blurb; the rules (whose pick, which state) are in claims.py."""
        if action not in PICK_ACTIONS:
            raise Http404("No such step.")
        try:
            pick = Pick.objects.get(pk=pick_id)
        except Pick.DoesNotExist as exc:
            raise Http404("No such pick.") from exc
        try:
            if action == "claim":
                claims.claim(pick, request.user)
                text = f"You write “{pick.title}”."
            elif action == "unclaim":
                claims.unclaim(pick, request.user)
                text = f"“{pick.title}” is free again."
            elif action == "written":
                claims.mark_written(pick, request.user)
                text = f"“{pick.title}” is written."
            elif action == "voice":
                text = self._draft_in_voice(pick, request.user)
            elif action == "approve":
                claims.approve(pick, request.user)
                text = f"“{pick.title}” is approved."
            else:
                byline = request.POST.get("byline")
                claims.write_blurb(pick, request.user, request.POST.get("blurb", ""), byline)
                text = f"Blurb of “{pick.title}” saved."
                if request.POST.get("written"):
                    claims.mark_written(pick, request.user)
                    text = f"Blurb of “{pick.title}” saved and marked written."
        except PermissionDenied as exc:
            if wants_json(request):
                return JsonResponse({"ok": False, "message": str(exc)}, status=403)
            raise
        except WorkflowError as exc:
            if wants_json(request):
                return JsonResponse({"ok": False, "message": str(exc)}, status=400)
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(back_to(request, reverse("admin:team_my_picks")))
        if wants_json(request):
            state = Assignment.objects.filter(pick_id=pick.pk).values_list("state", flat=True).first()
            return JsonResponse({"ok": True, "message": text, "state": state})
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(back_to(request, reverse("admin:team_my_picks")))
