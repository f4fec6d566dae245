"""The site's URLs with /bench/hello/ in front: the load bench's ceiling.

The hello view goes through every middleware of the site but touches neither the database nor
the cache, so its throughput on the same server in the same run is what the other endpoints are
compared with.
"""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from quizsite.urls import urlpatterns as site_urlpatterns


@require_GET
def hello(request):
    return JsonResponse({"hello": "world"})


urlpatterns = [path("bench/hello/", hello, name="bench-hello"), *site_urlpatterns]
