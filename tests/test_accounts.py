"""Student accounts: password reset by e-mail, changing a password, the profile page, and the
limits per address on reset and sign-up."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from quizzes.models import ThrottleCount

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-pass-phrase"


def reset(client, email, **extra):
    return client.post("/accounts/password/reset/", {"email": email}, **extra)


def test_a_student_resets_a_forgotten_password_by_email(client, student, mailoutbox):
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in login_page

    response = reset(client, student.email)

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    [mail] = mailoutbox
    assert mail.to == [student.email] and mail.subject == "Reset your Factcards password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password was changed" in done.content.decode()
    assert client.login(request=HttpRequest(), username="student", password=NEW_PASSWORD)
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailoutbox):
    response = reset(client, "nobody@example.org")
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mailoutbox == []


def test_resets_are_limited_per_email_address_and_keep_what_was_typed(
    client, student, settings, mailoutbox
):
    settings.PASSWORD_RESETS_PER_HOUR = 2
    for _ in range(2):
        assert reset(client, student.email).status_code == 302
    refused = reset(client, student.email.upper())  # the same address, however it is typed
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many password reset requests from this address: try again in" in html
    assert f'value="{student.email.upper()}"' in html
    assert len(mailoutbox) == 2
    # No address is stored in the clear.
    assert not ThrottleCount.objects.filter(key__icontains="example").exists()


def test_resets_are_limited_per_client_address_too(client, settings, mailoutbox):
    settings.PASSWORD_RESETS_PER_HOUR = 2
    statuses = [reset(client, f"user{n}@example.org").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    other = reset(client, "user9@example.org", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_signups_are_limited_per_client_address_and_keep_what_was_typed(client, settings):
    settings.SIGNUPS_PER_HOUR = 1

    def sign_up(username):
        client.logout()
        return client.post(
            "/accounts/signup/",
            {
                "username": username,
                "email": f"{username}@example.org",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )

    assert sign_up("first").status_code == 302
    refused = sign_up("second")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many sign-ups from this address" in html
    assert 'value="second"' in html and 'value="second@example.org"' in html
    assert not get_user_model().objects.filter(username="second").exists()


def test_a_student_changes_their_password(client, student):
    client.force_login(student)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200
    done = client.post(
        "/accounts/password/change/",
        {
            "old_password": "pass-word-123",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert "Your password was changed" in done.content.decode()
    student.refresh_from_db()
    assert student.check_password(NEW_PASSWORD)


def test_the_profile_page_changes_name_and_email(client, student):
    assert client.get("/accounts/profile/").status_code == 302  # a login first
    client.force_login(student)
    page = client.get("/").content.decode()
    assert 'href="/accounts/profile/"' in page
    saved = client.post(
        "/accounts/profile/",
        {"first_name": "Ana", "last_name": "Lopes", "email": "ana@example.org"},
        follow=True,
    )
    assert "Your profile was saved." in saved.content.decode()
    student.refresh_from_db()
    assert (student.first_name, student.last_name, student.email) == (
        "Ana",
        "Lopes",
        "ana@example.org",
    )
    bad = client.post("/accounts/profile/", {"first_name": "Ana", "email": "not an address"})
    assert bad.status_code == 200 and 'value="not an address"' in bad.content.decode()
    assert "Enter a valid email address." in bad.content.decode()


def test_sign_up_says_the_email_is_only_for_password_resets(client):
    html = client.get("/accounts/signup/").content.decode()
    assert "Optional: only used to reset a password." in html
