"""The account pages' limit counters: read-only (only the limits write them)."""

from django.contrib import admin

from quizzes.models import ThrottleCount


@admin.register(ThrottleCount)
class ThrottleCountAdmin(admin.ModelAdmin):
    list_display = ("scope", "window_start", "count", "key")
    list_filter = ("scope",)
    date_hierarchy = "window_start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
