"""Signing in for a token."""

from django.contrib.auth import authenticate
from rest_framework import serializers

# --- Auth and generation -------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    """A username and password, checked against the login lockout (django-axes) first."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096, style={"input_type": "password"}, trim_whitespace=False
    )

    def validate(self, attrs):
        # The plain Django request, so that django-axes marks it when the login is refused for a
        # lockout and its middleware answers with the lockout response (quizzes/lockout.py).
        request = self.context["request"]
        user = authenticate(
            request=getattr(request, "_request", request),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with provided credentials.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send it as `Authorization: Token <token>`. Shown only now: the server keeps "
        "only its hash."
    )
    expiry = serializers.DateTimeField(help_text="When the token stops working.")
