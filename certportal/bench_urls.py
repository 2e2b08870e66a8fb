"""The portal's URLs plus a bare view for the benchmark: only `certportal.bench_settings` (the
settings `manage.py bench` runs its servers with) uses this module, so production never serves it."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from certportal.urls import urlpatterns as portal_urlpatterns


@login_not_required
def hello(request: HttpRequest) -> HttpResponse:
    """No database, no template (the portal's middleware still runs): the ceiling of Django here."""
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *portal_urlpatterns]
