"""Signing up as a student (switched off with SIGNUP_ENABLED=false: the page is then a 404)."""

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render

from quizzes.forms import SignupForm


def signup(request):
    if not settings.SIGNUP_ENABLED:
        raise Http404("Sign-up is switched off.")
    if request.user.is_authenticated:
        return redirect("quiz-list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=settings.USER_BACKEND)
        return redirect("quiz-list")
    return render(request, "registration/signup.html", {"form": form})
