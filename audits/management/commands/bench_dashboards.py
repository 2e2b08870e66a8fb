"""Measure page 1 of the consultant's and the certification body's dashboards on the data set of
`seed_bench`: median and p90 render time and the number of SQL queries, through the whole Django
stack (middleware, session, templates) in this process. Results go to var/bench/dashboards.json."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from certportal.accounts.models import User

# (label, username, URL name, query parameters)
PAGES: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("consultant dashboard", "bench-consultant", "applications:dashboard", {}),
    ("consultant dashboard sorted by evidence", "bench-consultant", "applications:dashboard", {"sort": "-evidence"}),
    ("consultant dashboard, search", "bench-consultant", "applications:dashboard", {"q": "00042"}),
    ("certification body dashboard", "bench-auditor", "audits:dashboard", {}),
)


class Command(BaseCommand):
    help = "Time page 1 of both dashboards (run `manage.py seed_bench` first) and count their SQL queries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=15, help="timed requests per page (after one warm-up)")

    def handle(self, *args: Any, **options: Any) -> None:
        users = {
            user.username: user for user in User.objects.filter(username__in=["bench-consultant", "bench-auditor"])
        }
        if len(users) < 2:
            raise CommandError("No bench users: run `manage.py seed_bench` first.")
        assigned = Application.objects.filter(consultant=users["bench-consultant"]).count()
        results: dict[str, Any] = {"applications": assigned, "database": connection.vendor, "pages": []}
        for label, username, url_name, params in PAGES:
            client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")
            client.force_login(users[username], backend="certportal.accounts.backends.UsernameOrEmailBackend")
            url = reverse(url_name)
            self._get(client, url, params)  # warm-up: templates, translations, connection
            timings, queries = [], 0
            for _ in range(options["runs"]):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    self._get(client, url, params)
                    timings.append((time.perf_counter() - started) * 1000)
                queries = len(captured.captured_queries)
            timings.sort()
            page = {
                "page": label,
                "url": url,
                "params": params,
                "median_ms": round(statistics.median(timings), 1),
                "p90_ms": round(timings[max(0, int(len(timings) * 0.9) - 1)], 1),
                "queries": queries,
            }
            results["pages"].append(page)
            self.stdout.write(
                f"{label}: median {page['median_ms']} ms, p90 {page['p90_ms']} ms, {queries} queries "
                f"({assigned} applications, {connection.vendor})"
            )
        output = Path(settings.VAR_DIR) / "bench" / "dashboards.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")

    def _get(self, client: Client, url: str, params: dict[str, str]) -> None:
        response = client.get(url, params)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
