"""Measure the application forms' rendering: warm render time of the 3-page contract, PDF size,
and the resident memory of one process rendering many forms in a row. Read-only: it renders the
stored versions of the demo data (run `seed_demo --with-pdfs` first) and writes nothing."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import translation

from applications.models import FormRendition
from applications.services.documents import rendition_html_context, rendition_pdf
from applications.services.form_context import FORM_LANGUAGE
from certportal.lib.pdf import render_pdf


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Command(BaseCommand):
    help = "Time the rendering of the application forms and watch the memory of many renders in a row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=20, help="warm renders of the contract to time")
        parser.add_argument("--in-a-row", type=int, default=200, help="renders in a row for the memory check")

    def handle(self, *args: Any, **options: Any) -> None:
        versions = list(FormRendition.objects.filter(kind="unsigned", status="ready").select_related("form")[:60])
        contract = next((v for v in versions if v.form.form_type == "contract"), None)
        if contract is None:
            raise CommandError("No rendered contract: run `manage.py seed_demo --with-pdfs` first.")
        rendition_pdf(contract)  # warm up: fonts, templates
        timings, sizes = [], []
        for _ in range(options["runs"]):
            started = time.perf_counter()
            content = rendition_pdf(contract)
            timings.append(time.perf_counter() - started)
            sizes.append(len(content))
        with translation.override(FORM_LANGUAGE):
            html = render_to_string(f"pdf/forms/{contract.form.form_type}.html", rendition_html_context(contract))
        bare = []
        for _ in range(options["runs"]):
            started = time.perf_counter()
            render_pdf(html)
            bare.append(time.perf_counter() - started)
        self.stdout.write(
            f"contract (3 pages): median {statistics.median(timings):.3f} s, "
            f"p90 {sorted(timings)[int(len(timings) * 0.9) - 1]:.3f} s, size {max(sizes) / 1024:.0f} KB; "
            f"bare WeasyPrint render of the same HTML: median {statistics.median(bare):.3f} s"
        )
        signed = FormRendition.objects.filter(kind="signed", status="ready", form__form_type="contract").first()
        if signed is not None:
            content = rendition_pdf(signed)
            self.stdout.write(f"signed contract (seal and signature embedded): {len(content) / 1024:.0f} KB")
        start = resident_mb()
        peak = start
        for number in range(options["in_a_row"]):
            rendition_pdf(versions[number % len(versions)])
            peak = max(peak, resident_mb())
        self.stdout.write(
            f"{options['in_a_row']} forms in a row ({len(versions)} different ones): "
            f"resident memory {start:.0f} MB before, {resident_mb():.0f} MB after, peak {peak:.0f} MB"
        )
