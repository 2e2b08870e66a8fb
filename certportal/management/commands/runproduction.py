"""Run the production processes of one machine: gunicorn, a Celery worker and the one Celery beat.

For `make prod` and for trying a deployment; on a server, systemd runs the same three commands as
separate units (docs/deploy/). Logs go to standard output. If one process stops, all are stopped and
the command fails, so that a supervisor restarts the set.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from certportal import devservers


def gunicorn_command() -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", str(Path(settings.BASE_DIR) / "certportal" / "gunicorn.conf.py")]


def celery_beat_command() -> list[str]:
    # The schedule file is the installation's own (CELERY_BEAT_SCHEDULE_FILENAME).
    return [sys.executable, "-m", "celery", "-A", "certportal", "beat", "--loglevel=INFO"]


class Command(BaseCommand):
    help = "Start gunicorn, a Celery worker and Celery beat with the production settings; Ctrl-C stops them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.PRODUCTION:
            raise CommandError("Set CERTPORTAL_PRODUCTION=1 and the variables in docs/deployment.md first.")
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)  # beat keeps its schedule there
        started: list[tuple[str, subprocess.Popen[bytes]]] = []
        stop = devservers.StopRequest()
        failed = False
        try:
            started.append(("web", devservers.start_process(gunicorn_command())))
            worker = devservers.celery_worker_command(beat=False, concurrency=options["worker_concurrency"])
            started.append(("worker", devservers.start_process(worker)))
            # Exactly one beat for the whole installation, however many workers run.
            started.append(("beat", devservers.start_process(celery_beat_command())))
            failed = self._watch(started, stop)
        finally:
            if stop.requested:
                self.stdout.write("Stopping…")
            for name, process in reversed(started):
                devservers.stop_process(process, timeout=35)
                self.stdout.write(f"stopped {name}")
        if failed:
            raise CommandError("A production process stopped unexpectedly; see the log above.")

    def _watch(self, started: list[tuple[str, subprocess.Popen[bytes]]], stop: devservers.StopRequest) -> bool:
        """Until a signal asks to stop (False) or one of the processes stops on its own (True)."""
        while not stop.requested:
            for name, process in started:
                if process.poll() is not None:
                    self.stderr.write(f"{name} stopped (exit code {process.returncode})")
                    return True
            time.sleep(1)
        return False
