"""Settings of the benchmark's processes (`manage.py bench`): the portal's own, plus the bare view."""

from certportal.settings import *  # noqa: F403

ROOT_URLCONF = "certportal.bench_urls"
