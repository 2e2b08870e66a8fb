"""The benchmark's pure parts: reading wrk's output, the results file, the bare view kept out of
production, and the dashboard measure that waits for its page. (`make bench` itself is not a test.)"""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from audits.management.commands import bench
from certportal import benchmark

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8091/applications/9/evidence/
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   130.54ms   40.12ms 520.33ms   70.00%
    Req/Sec    75.01     20.11   130.00     68.00%
  1502 requests in 10.02s, 60.12MB read
  Socket errors: connect 0, read 1502, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    149.90
Transfer/sec:      6.00MB
BENCH p50_us=120012 p95_us=201345 requests=1502
"""


def test_wrk_output_gives_requests_per_second_p95_and_failures() -> None:
    run = benchmark.parse_wrk(WRK_OUTPUT)
    assert run == benchmark.LoadRun(rps=149.9, p50_ms=120.012, p95_ms=201.345, requests=1502, bad_responses=5)


def test_a_clean_wrk_run_has_no_failures() -> None:
    clean = WRK_OUTPUT.replace("  Socket errors: connect 0, read 1502, write 0, timeout 2\n", "").replace(
        "  Non-2xx or 3xx responses: 3\n", ""
    )
    assert benchmark.parse_wrk(clean).bad_responses == 0


def test_unexpected_wrk_output_is_an_error_not_a_number() -> None:
    with pytest.raises(ValueError, match="unexpected wrk output"):
        benchmark.parse_wrk("unable to connect to 127.0.0.1:8091 Connection refused\n")


def test_the_results_file_has_numbers_and_the_table_says_what_misses_its_target(tmp_path, settings) -> None:
    settings.VAR_DIR = tmp_path
    (tmp_path / "bench").mkdir()
    results = dict.fromkeys(benchmark.RESULT_KEYS, 1.0) | {"checklist_p95_ms": 250.0, "bare_pdf_s": 0.5}
    command = bench.Command(stdout=io.StringIO())
    command._report(results)
    written = json.loads((tmp_path / "bench" / "results.json").read_text())
    assert set(written) == set(benchmark.RESULT_KEYS)
    assert all(isinstance(value, int | float) for value in written.values())
    table = command.stdout._out.getvalue()  # type: ignore[attr-defined]
    assert "checklist_p95_ms" in table and "OVER" in table.split("checklist_p95_ms")[1].splitlines()[0]
    assert "ok" in table.split("worker_rss_after_200_pdfs_mb")[1].splitlines()[0]


def test_every_target_names_a_result() -> None:
    assert set(benchmark.TARGETS) <= set(benchmark.RESULT_KEYS) | set(benchmark.DASHBOARD_KEYS)


def test_the_bare_view_exists_only_with_the_bench_settings() -> None:
    with pytest.raises(NoReverseMatch):
        reverse("bench_hello")
    assert Client().get("/bench/hello/").status_code in (302, 404)
    with override_settings(ROOT_URLCONF="certportal.bench_urls"):
        response = Client().get(reverse("bench_hello"))
    assert (response.status_code, response.content) == (200, b"hello")


@pytest.mark.django_db
def test_the_dashboard_is_measured_only_when_its_page_and_seed_bench_exist(monkeypatch, consultant) -> None:
    command = bench.Command(stdout=io.StringIO())
    monkeypatch.setattr(bench, "get_commands", lambda: {})
    assert command._dashboard() is None
    assert "not available" in command.stdout._out.getvalue()  # type: ignore[attr-defined]

    seeded: list[dict[str, int]] = []
    monkeypatch.setattr(bench, "get_commands", lambda: {"seed_bench": "applications"})
    monkeypatch.setattr(bench, "reverse", lambda name: "/dashboard/")
    monkeypatch.setattr(bench, "call_command", lambda name, **options: seeded.append(options))
    consultant.username = "bench-consultant"
    consultant.save(update_fields=["username"])
    assert command._dashboard() == ("/dashboard/", consultant)
    assert seeded == [{"applications": 10000}]
