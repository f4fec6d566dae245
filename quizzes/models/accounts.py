"""Counters behind the account pages' limits (password reset and sign-up, per address)."""

from django.db import models


class ThrottleCount(models.Model):
    """How often one address did one thing in one window (see `services.throttling`).

    In the database, so the limit holds across every server process without a shared cache.
    The key is a hash: no e-mail or IP address is stored here.
    """

    scope = models.CharField(max_length=40, help_text="What is counted, e.g. password-reset.")
    key = models.CharField(max_length=64, help_text="SHA-256 of the address counted.")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="one_throttle_count_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self):
        return f"{self.scope} {self.key[:8]}… {self.count} since {self.window_start:%Y-%m-%d %H:%M}"
