"""Commands that exercise the whole portal (seed_demo, seed_bench, bench, bench_dashboards). They live
in the audits app because it is the top layer: they build on applications, audits and notifications."""
