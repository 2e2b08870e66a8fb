"""Run the whole portal on this machine: Redis (reused or started), a Celery worker with beat, and
the web server. Ctrl-C or SIGTERM stops what this command started, and nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from certportal import devservers

DEMO_USERS = (
    "demo-enterprise",
    "demo-consultant",
    "demo-auditor",
    "demo-certifier",
    "demo-body-manager",
    "demo-admin",
)


class Command(BaseCommand):
    help = "Start Redis if none answers, a Celery worker and the web server; Ctrl-C or SIGTERM stops them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        var_dir = Path(settings.VAR_DIR)
        # Links in e-mails and PDFs (made by the worker and the web server) point at this port,
        # unless SITE_URL names the address people use.
        site_url = os.environ.get("SITE_URL") or devservers.local_site_url(options["host"], options["port"])
        children = {"SITE_URL": site_url}
        started: list[tuple[str, subprocess.Popen[bytes]]] = []
        stop = devservers.StopRequest()
        try:
            if devservers.redis_answers(settings.REDIS_URL):
                self.stdout.write(f"Using the Redis that answers at {settings.REDIS_URL}")
            else:
                self.stdout.write("No Redis answers; starting one for this session")
                started.append(("redis", devservers.start_redis(settings.REDIS_URL, var_dir=var_dir)))
            worker = devservers.start_process(
                devservers.celery_worker_command(beat=True), log_path=var_dir / "log" / "celery.log", env=children
            )
            started.append(("celery", worker))
            address = f"{options['host']}:{options['port']}"
            manage = str(Path(settings.BASE_DIR) / "manage.py")
            web = devservers.start_process([sys.executable, manage, "runserver", address, "--noreload"], env=children)
            started.append(("web", web))
            self._announce(f"http://{address}/", site_url=site_url)
            self._watch(started, stop)
        finally:
            if stop.requested:
                self.stdout.write("\nStopping…")
            for name, process in reversed(started):
                devservers.stop_process(process)
                self.stdout.write(f"stopped {name}")

    def _announce(self, url: str, *, site_url: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"\ncertportal is running at {url}"))
        self.stdout.write(f"Links in e-mails and PDFs: {site_url}")
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}): {', '.join(DEMO_USERS)}")
        self.stdout.write("Celery log: var/log/celery.log · Press Ctrl-C to stop.\n")

    def _watch(self, started: list[tuple[str, subprocess.Popen[bytes]]], stop: devservers.StopRequest) -> None:
        while not stop.requested:
            for name, process in started:
                if process.poll() is not None:
                    self.stderr.write(f"{name} stopped unexpectedly (exit code {process.returncode}); see var/log/")
                    return
            time.sleep(1)
