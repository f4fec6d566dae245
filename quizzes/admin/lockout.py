"""Failed logins, and unlocking: django-axes' records, shown the way the lockout counts them.

A record is one (username, address, browser) with its failures since the first one. The lockout
counts an account's failures over all its records and an address's over all of its own
(`quizzes/lockout.py`), so each row shows both totals and whether either is past its limit.
*Unlock* forgets every failure of the selected rows' accounts and addresses. Who may: a holder of
`axes.delete_accessattempt` (the `Teachers` group, a superuser).
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from quizzes.lockout import unlock

admin.site.unregister(AccessAttempt)
# Both stay empty here (AXES_DISABLE_ACCESS_LOG; no failure log): no pages for them.
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


def _total_failures(column: str, since) -> Subquery:
    totals = (
        AccessAttempt.objects.filter(**{column: OuterRef(column)}, attempt_time__gte=since)
        .order_by()
        .values(column)
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), 0)


@admin.register(AccessAttempt)
class FailedLoginAdmin(admin.ModelAdmin):
    list_display = [
        "username",
        "ip_address",
        "failures_since_start",
        "account_failures",
        "address_failures",
        "locked",
        "attempt_time",
        "path_info",
    ]
    list_filter = ["path_info"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    actions = ["unlock_selected"]
    readonly_fields = [
        "username",
        "ip_address",
        "user_agent",
        "path_info",
        "failures_since_start",
        "attempt_time",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        since = timezone.now() - timedelta(seconds=settings.LOGIN_COOLOFF_SECONDS)
        return (
            super()
            .get_queryset(request)
            .annotate(
                account_total=_total_failures("username", since),
                address_total=_total_failures("ip_address", since),
            )
        )

    @admin.display(description="account's failures", ordering="account_total")
    def account_failures(self, attempt) -> str:
        return f"{attempt.account_total} of {settings.LOGIN_FAILURES_PER_ACCOUNT}"

    @admin.display(description="address's failures", ordering="address_total")
    def address_failures(self, attempt) -> str:
        return f"{attempt.address_total} of {settings.LOGIN_FAILURES_PER_ADDRESS}"

    @admin.display(description="locked out", boolean=True)
    def locked(self, attempt) -> bool:
        return (
            attempt.account_total >= settings.LOGIN_FAILURES_PER_ACCOUNT
            or attempt.address_total >= settings.LOGIN_FAILURES_PER_ADDRESS
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(
        description="Unlock the selected accounts and addresses (forget their failed logins)",
        permissions=["delete"],
    )
    def unlock_selected(self, request, queryset):
        rows = list(queryset.values_list("username", "ip_address"))
        usernames = sorted({username for username, _ in rows if username})
        addresses = sorted({address for _, address in rows if address})
        removed = unlock(usernames=usernames, addresses=addresses)
        named = ", ".join([*usernames, *addresses]) or "nothing"
        self.message_user(
            request,
            f"Unlocked {named}: {removed} record(s) of failed logins forgotten.",
            messages.SUCCESS,
        )
