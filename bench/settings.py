"""Settings for the load bench (`bench/load.py`): the site's own settings, plus a hello view.

`bench/load.py` runs gunicorn with `DJANGO_SETTINGS_MODULE` pointing here, on the checkout it
measures (this one, or an older one given with `--app-dir`: its `quizsite.settings` is the one
imported below). Everything comes from the site's settings and the environment the harness sets
(DEBUG off, PostgreSQL, Redis); only the URLs differ, so that the app itself gains no route.
"""

import os

from quizsite.settings import *  # noqa: F403

# The package is `bench` in the test suite and whatever name the harness links this folder as.
ROOT_URLCONF = f"{__package__}.urls"

# collectstatic writes here, so that measuring another checkout leaves its files alone. The
# names are hashed as in production (pages look them up in the manifest), but without the
# compressed copies whitenoise also writes: the bench serves no static file, and compressing
# them all takes minutes on a busy machine.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
    STORAGES = {
        **STORAGES,  # noqa: F405
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
