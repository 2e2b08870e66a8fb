"""`make bench`: build the benchmark's own data, measure, print a table of medians and write
var/bench/results.json. See docs/benchmarks.md for the figures and what they mean."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import NoReverseMatch, reverse

from certportal import benchmark, devservers
from certportal.lib.broker import broker_reachable

INSIDE = "CERTPORTAL_BENCH_INSIDE"


class Command(BaseCommand):
    help = "Measure the portal (pages under load, PDFs, a 200 MB upload, a worker's memory) on its own data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (the median is kept)")
        parser.add_argument("--seconds", type=int, default=10, help="length of each load run")
        parser.add_argument("--connections", type=int, default=20, help="connections of the load generator")
        parser.add_argument("--pdfs", type=int, default=200, help="PDFs the worker renders before its memory is read")
        parser.add_argument("--port", type=int, default=8091)

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get(INSIDE) != "1":
            self._run_on_bench_data(options)
            return
        results = self._measure(options)
        self._report(results)

    # --- The outer process: never touches the portal's own database ------------------------------

    def _run_on_bench_data(self, options: dict[str, Any]) -> None:
        if shutil.which("wrk") is None:
            raise CommandError("wrk is missing: `make bench` installs it (Debian package wrk).")
        if not broker_reachable():
            raise CommandError(f"Redis does not answer at {settings.CELERY_BROKER_URL}; the worker measure needs it.")
        directory = benchmark.bench_directory()
        for stale in ("bench.sqlite3", "media", "tmp"):
            path = directory / stale
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        (directory / "tmp").mkdir(parents=True)
        env = {
            **os.environ,
            INSIDE: "1",
            "DJANGO_SETTINGS_MODULE": "certportal.bench_settings",
            # BENCH_DATABASE_URL (an empty database), never DATABASE_URL: the bench writes into it.
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{directory / 'bench.sqlite3'}"),
            "MEDIA_ROOT": str(directory / "media"),
            "FILE_UPLOAD_TEMP_DIR": str(directory / "tmp"),
            "CERTPORTAL_INSTANCE": f"bench-{uuid.uuid4().hex[:8]}",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "LOG_REQUESTS": "0",
        }
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench"]
        for name in ("runs", "seconds", "connections", "pdfs", "port"):
            command += [f"--{name}", str(options[name])]
        code = subprocess.run(command, env=env).returncode
        if code:
            raise CommandError(f"the benchmark failed (exit code {code})")

    # --- The inner process: on var/bench/ ------------------------------------------------------------

    def _measure(self, options: dict[str, Any]) -> dict[str, float]:
        started = time.monotonic()
        self._log("Building the benchmark's data (demo data, forms)…")
        data = self._build_data()
        results: dict[str, float] = {}
        results |= self._pages(options, data)
        results |= self._pdfs(options["runs"], data)
        results |= self._upload(options, data)
        results |= self._worker(options, data)
        results["bench_minutes"] = round((time.monotonic() - started) / 60, 1)
        return results

    def _build_data(self) -> dict[str, Any]:
        from applications import services as applications
        from applications.models import Application, Enterprise, EvidenceFile, FormRendition, Product
        from applications.services.evidence import evidence_requirements_ensure
        from audits.models import Certificate
        from certportal.accounts.models import User

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("seed_demo", verbosity=0)
        files = lambda application: EvidenceFile.objects.filter(requirement__application=application).count()  # noqa: E731
        checklist = max(Application.objects.all(), key=files)
        forms_application = Application.objects.filter(status=Application.Status.AWAITING_SIGNATURE).first()
        if forms_application is None or forms_application.consultant is None:
            raise CommandError("seed_demo made no application awaiting signature")
        applications.forms_generate(application=forms_application, actor=forms_application.consultant)
        # The upload goes to a new enterprise's application, as one starting out would have (made once:
        # a database given by BENCH_DATABASE_URL is kept from one run to the next).
        enterprise, _created = Enterprise.objects.get_or_create(name="基准测试电器有限公司")
        uploader = User.objects.filter(username="bench-uploader").first() or User.objects.create_user(
            username="bench-uploader", role="enterprise", enterprise=enterprise
        )
        fresh, _created = Application.objects.get_or_create(
            enterprise=enterprise, defaults={"reference": "SA-BENCH-00001"}
        )
        fresh.scope.set([Product.objects.get_or_create(enterprise=enterprise, name="空气净化器")[0]])
        evidence_requirements_ensure(fresh)
        return {
            "upload_requirement": fresh.evidence_requirements.get(item__code="4"),
            "upload_user": uploader,
            "checklist_application": checklist,
            "checklist_user": User.objects.filter(enterprise=checklist.enterprise).first(),
            "renditions": list(FormRendition.objects.filter(form__application=forms_application)),
            "certificate": Certificate.objects.filter(application__status="certified").first(),
        }

    def _pages(self, options: dict[str, Any], data: dict[str, Any]) -> dict[str, float]:
        results: dict[str, float] = {}
        load = benchmark.LoadBench(
            port=options["port"], runs=options["runs"], seconds=options["seconds"], connections=options["connections"]
        )
        directory = benchmark.bench_directory()
        checklist = reverse("applications:evidence", args=[data["checklist_application"].pk])
        results["checklist_queries"] = benchmark.queries_per_request(checklist, data["checklist_user"])
        dashboard = self._dashboard()
        with benchmark.gunicorn(options["port"], workers=2, log_path=directory / "gunicorn.log"):
            self._log("Load: a bare Django view…")
            results["hello_rps"] = load.measure_page_under_load("/bench/hello/", None).rps
            self._log("Load: the enterprise's evidence checklist, logged in…")
            session = benchmark.session_for(data["checklist_user"])
            run = load.measure_page_under_load(checklist, session)
            results |= {"checklist_rps": run.rps, "checklist_p50_ms": run.p50_ms, "checklist_p95_ms": run.p95_ms}
            # One connection: the time of one request, without the wait behind the other nineteen.
            alone = load.measure_page_under_load(checklist, session, connections=1)
            results |= {"checklist_p50_ms_1_connection": alone.p50_ms, "checklist_p95_ms_1_connection": alone.p95_ms}
            if dashboard is not None:
                self._log("Load: the consultant dashboard (10,000 applications), logged in…")
                path, user = dashboard
                run = load.measure_page_under_load(path, benchmark.session_for(user))
                results |= {"dashboard_rps": run.rps, "dashboard_p50_ms": run.p50_ms, "dashboard_p95_ms": run.p95_ms}
                results["dashboard_queries"] = benchmark.queries_per_request(path, user)
                self._log("Load: the API's application list (the same consultant), logged in…")
                results |= self._api_under_load(load, reverse("api:application_list"), user, "api_applications")
            certificate = data["certificate"]
            if certificate is not None:
                self._log("Load: the API's certificate detail, as the holder…")
                holder = certificate.enterprise.members.first()
                path = reverse("api:certificate_detail", args=[certificate.pk])
                results |= self._api_under_load(load, path, holder, "api_certificate")
        return results

    @staticmethod
    def _api_under_load(load: benchmark.LoadBench, path: str, user: Any, name: str) -> dict[str, float]:
        run = load.measure_page_under_load(path, benchmark.session_for(user))
        return {
            f"{name}_rps": run.rps,
            f"{name}_p50_ms": run.p50_ms,
            f"{name}_p95_ms": run.p95_ms,
            f"{name}_queries": benchmark.queries_per_request(path, user),
        }

    def _dashboard(self) -> tuple[str, Any] | None:
        """The consultant dashboard on 10,000 applications, when the portal has it (and seed_bench)."""
        from certportal.accounts.models import User

        try:
            path = reverse("applications:dashboard")
        except NoReverseMatch:
            path = None
        if path is None or "seed_bench" not in get_commands():
            self._log("The consultant dashboard measurement is not available (no seed_bench command or dashboard URL).")
            return None
        self._log("Seeding 10,000 applications for the dashboard…")
        call_command("seed_bench", applications=10000)
        return path, User.objects.get(username="bench-consultant")

    def _pdfs(self, runs: int, data: dict[str, Any]) -> dict[str, float]:
        from django.template.loader import render_to_string
        from django.utils import translation

        from applications.models import FormRendition
        from applications.services.form_context import FORM_LANGUAGE
        from applications.services.forms import rendition_html_context
        from applications.tasks.forms import form_render
        from audits.models import Certificate
        from audits.tasks import certificate_render_pdf
        from certportal.lib.pdf import render_pdf

        self._log("PDFs: the contract, bare and through the task; the certificate through the task…")
        contract = next(r for r in data["renditions"] if r.form.form_type == "contract")
        rows = FormRendition.objects.filter(pk=contract.pk)

        def form_task() -> None:
            rows.update(status=FormRendition.Status.PENDING, task_id="")
            form_render.apply(args=(contract.pk,))
            if rows.get().status != FormRendition.Status.READY:
                raise RuntimeError(f"the contract did not render: {rows.get().error}")

        form_seconds = benchmark.timed_runs(form_task, runs * 2)
        with translation.override(FORM_LANGUAGE):
            html = render_to_string("pdf/forms/contract.html", rendition_html_context(rows.get()))
        bare_seconds = benchmark.timed_runs(lambda: render_pdf(html), runs * 2)
        certificate = data["certificate"]
        certificates = Certificate.objects.filter(pk=certificate.pk)

        def certificate_task() -> None:
            certificates.update(pdf_status=Certificate.PdfStatus.PENDING, pdf_task_id="")
            if certificate_render_pdf.apply(args=(certificate.pk,)).get() != "ready":
                raise RuntimeError(f"the certificate did not render: {certificates.get().pdf_error}")

        certificate_seconds = benchmark.timed_runs(certificate_task, runs * 2)
        return {
            "bare_pdf_s": benchmark.median(bare_seconds),
            "form_pdf_s": benchmark.median(form_seconds),
            "certificate_pdf_s": benchmark.median(certificate_seconds),
            "form_pdf_vs_bare": round(benchmark.median(form_seconds) / benchmark.median(bare_seconds), 2),
        }

    def _upload(self, options: dict[str, Any], data: dict[str, Any]) -> dict[str, float]:
        self._log("Upload: 200 MB to the evidence upload view, through gunicorn…")
        directory = benchmark.bench_directory()
        requirement = data["upload_requirement"]
        session = benchmark.session_for(data["upload_user"])
        products = [str(pk) for pk in requirement.application.scope.values_list("pk", flat=True)]
        big, small = directory / "tmp" / "服务管理手册-扫描件.pdf", directory / "tmp" / "warm-up.pdf"
        benchmark.write_large_pdf(big, 200 * 1000 * 1000)
        benchmark.write_large_pdf(small, 200_000)
        path = reverse("applications:evidence_upload", args=[requirement.pk])
        growth, speed = [], []
        port = options["port"] + 1
        with benchmark.gunicorn(port, workers=1, log_path=directory / "gunicorn-upload.log") as master:
            worker = benchmark.children_of(master)[0]
            status, _seconds = benchmark.upload(port, path, small, session=session, products=products)
            if status != 201:
                raise CommandError(f"the warm-up upload answered {status}")
            for _ in range(options["runs"]):
                before = benchmark.status_kib(worker, "VmRSS")
                Path(f"/proc/{worker}/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
                status, seconds = benchmark.upload(port, path, big, session=session, products=products)
                if status != 201:
                    raise CommandError(f"the 200 MB upload answered {status}")
                growth.append((benchmark.status_kib(worker, "VmHWM") - before) / 1024)
                speed.append(big.stat().st_size / 1e6 / seconds)
        big.unlink()
        return {"upload_200mb_rss_mb": benchmark.median(growth), "upload_200mb_mb_s": benchmark.median(speed)}

    def _worker(self, options: dict[str, Any], data: dict[str, Any]) -> dict[str, float]:
        from applications.models import FormRendition
        from applications.tasks.forms import form_render
        from certportal.lib.broker import enqueue

        count = options["pdfs"]
        self._log(f"Worker: a real Celery worker renders {count} forms…")
        ids = self._pending_renditions(data["renditions"], count)
        log_path = benchmark.bench_directory() / "worker.log"
        command = devservers.celery_worker_command(beat=False, concurrency=1, hostname="bench@%h")
        worker = devservers.start_process(command, log_path=log_path)
        try:
            started = time.monotonic()
            if not all(enqueue(form_render, pk) for pk in ids):
                raise CommandError("Redis did not take the tasks")
            remaining = FormRendition.objects.filter(pk__in=ids).exclude(status=FormRendition.Status.READY)
            devservers.wait_until(lambda: not remaining.exists(), what="the worker", process=worker, timeout=900)
            seconds = time.monotonic() - started
            pool = benchmark.children_of(worker.pid)
            child_kib = max(benchmark.status_kib(pid, "VmRSS") for pid in pool)
            main_kib = benchmark.status_kib(worker.pid, "VmRSS")
        finally:
            devservers.stop_process(worker)
        return {
            "worker_rss_after_200_pdfs_mb": round(child_kib / 1024, 1),
            "worker_main_rss_mb": round(main_kib / 1024, 1),
            "worker_pdfs_per_s": round(count / seconds, 2),
        }

    @staticmethod
    def _pending_renditions(renditions: list[Any], count: int) -> list[int]:
        """`count` new versions of the six forms, waiting for a worker (copies of the generated ones)."""
        from applications.models import FormRendition

        version = max(r.version for r in renditions)
        copies = []
        for number in range(count):
            source = renditions[number % len(renditions)]
            version += 1
            copies.append(
                FormRendition(
                    form=source.form,
                    version=version,
                    kind=source.kind,
                    context=source.context,
                    data_fingerprint=source.data_fingerprint,
                    requested_by=source.requested_by,
                )
            )
        return [copy.pk for copy in FormRendition.objects.bulk_create(copies)]

    # --- Output --------------------------------------------------------------------------------------

    def _report(self, results: dict[str, float]) -> None:
        output = benchmark.bench_directory() / "results.json"
        output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        self.stdout.write("")
        self.stdout.write(f"{'measure':34} {'median':>10}  {'target':22} verdict")
        for key, value in results.items():
            target = benchmark.TARGETS.get(key)
            verdict = ("ok" if target[1](results) else "OVER") if target else ""
            self.stdout.write(f"{key:34} {value:>10}  {target[0] if target else '':22} {verdict}")
        self.stdout.write(f"\nWritten to {output}")

    def _log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
