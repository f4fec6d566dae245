"""`{% load site_links %}`: the links every page's frame (`base.html`) shows, worked out once.

`base.html` names a dozen URLs and static files on every page. They are the same for every request
a process serves (one URL configuration, one script prefix, one static manifest), yet `{% url %}`
resolves each name again and `{% static %}` looks each file up in the manifest again: a tenth of
the attempt page's rendering. These tags give the same strings from a per-process memo, keyed by
what could make them differ (the script prefix and URL configuration), and dropped whenever a
setting changes (the tests' `override_settings`).
"""

from functools import cache

from django import template
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@cache
def _url(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, urlconf=urlconf)


@cache
def _static(path: str) -> str:
    return static(path)


@register.simple_tag
def site_url(name: str) -> str:
    """`{% url name %}` for a URL without arguments (escaped by the template, as `{% url %}` is)."""
    return _url(name, get_script_prefix(), get_urlconf())


@register.simple_tag
def site_static(path: str) -> str:
    """`{% static path %}`, looked up once per process."""
    return _static(path)


def _forget(**kwargs) -> None:
    _url.cache_clear()
    _static.cache_clear()


setting_changed.connect(_forget, dispatch_uid="site_links_forget")
