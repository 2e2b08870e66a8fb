"""Reading settings from environment variables, with defaults that run out of the box."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: Any) -> Any:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from error


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of IP addresses or networks (CIDR), each checked at start-up."""
    values = env_list(name, default)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(f"{name}: {value!r} is not an IP address or network") from error
    return values


def read_secret_key(*, production: bool, var_dir: Path) -> str:
    """SECRET_KEY from the environment or SECRET_KEY_FILE; in development, one generated into var/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = os.environ.get("SECRET_KEY_FILE")
    if key_file:
        return Path(key_file).read_text(encoding="utf-8").strip()
    if production:
        raise ImproperlyConfigured("Production needs SECRET_KEY or SECRET_KEY_FILE.")
    return _development_secret_key(var_dir / "secret_key")


def _development_secret_key(path: Path) -> str:
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Exclusive create: two processes starting at once must agree on one key.
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(key)
        path.chmod(0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    return key
