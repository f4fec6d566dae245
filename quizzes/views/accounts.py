"""Accounts: signing up as a student, resetting and changing a password, the profile page.

Sign-up is switched off with SIGNUP_ENABLED=false (the page is then a 404). Password reset and
change are Django's own views with the site's templates; reset and sign-up are limited per
address (`services.throttling`), and a refused request keeps what was typed.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone

from quizzes.forms import ProfileForm, SignupForm
from quizzes.services.throttling import client_address, hit

TOO_MANY = "Too many {what} from this address: try again in {minutes} minute{s}."


def _refusal(verdict, what: str) -> str:
    minutes = verdict.retry_minutes
    return TOO_MANY.format(what=what, minutes=minutes, s="" if minutes == 1 else "s")


def signup(request):
    if not settings.SIGNUP_ENABLED:
        raise Http404("Sign-up is switched off.")
    if request.user.is_authenticated:
        return redirect("quiz-list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verdict = hit(
            scope="signup",
            address=client_address(request),
            limit=settings.SIGNUPS_PER_HOUR,
            now=timezone.now(),
        )
        if not verdict.allowed:
            form.add_error(None, _refusal(verdict, "sign-ups"))
            return render(request, "registration/signup.html", {"form": form}, status=429)
        user = form.save()
        login(request, user, backend=settings.USER_BACKEND)
        return redirect("quiz-list")
    return render(request, "registration/signup.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, limited per e-mail address and per client address. The answer is the same
    whether or not an account has that address, so it tells nobody who is registered."""

    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        now = timezone.now()
        for scope, address in (
            ("password-reset-email", form.cleaned_data["email"]),
            ("password-reset-client", client_address(self.request)),
        ):
            verdict = hit(
                scope=scope, address=address, limit=settings.PASSWORD_RESETS_PER_HOUR, now=now
            )
            if not verdict.allowed:
                form.add_error(None, _refusal(verdict, "password reset requests"))
                return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})
