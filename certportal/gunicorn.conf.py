"""gunicorn settings for certportal: `gunicorn -c certportal/gunicorn.conf.py`.

Read before Django starts, so only environment variables (documented in docs/deployment.md).
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from certportal.lib.logs import logging_config

wsgi_app = "certportal.wsgi:application"
# Behind nginx on the same host: loopback only. On a web host behind a load balancer, its private
# address; never a public one, since X-Forwarded-* headers are trusted (TRUSTED_PROXY_COUNT).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# (2 × cores) + 1 synchronous workers: a request mostly waits for PostgreSQL or the object store.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# nginx buffers uploads before passing them on, so a worker never waits for a slow client; 60 s is
# for writing a large upload to the object store.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak in a library never grows without bound.
max_requests = 2000
max_requests_jitter = 200
if Path("/dev/shm").is_dir():
    # The workers' heartbeat files: on a tmpfs, a slow disk cannot make gunicorn kill healthy workers.
    worker_tmp_dir = "/dev/shm"
# The control socket would default to one shared path in $HOME; nothing here uses it.
control_socket_disable = True

# The portal logs each request itself (request id, no query string, personal data masked).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
_production = os.environ.get("CERTPORTAL_PRODUCTION", "").strip().lower() in {"1", "true", "yes", "on"}
_format = os.environ.get("LOG_FORMAT", "json" if _production else "plain")
logconfig_dict = logging_config(
    log_format=_format,
    level=loglevel.upper(),
    loggers={"gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}},
)
