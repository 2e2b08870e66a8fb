"""Static files in production: hashed names (cached for good by browsers) and compressed copies."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: tuple) -> tuple:
    return tuple(
        (glob, tuple(rule for rule in rules if "sourceMappingURL" not in (rule if isinstance(rule, str) else rule[0])))
        for glob, rules in patterns
    )


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, leaving `sourceMappingURL` comments alone.

    Vendored libraries (static/vendor/) ship without their source maps, and Django's manifest storage
    fails collectstatic on a reference it cannot resolve; a missing map only costs a 404 in the
    browser's developer tools.
    """

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
