"""Hypothesis settings for the ja tests: deterministic and quick.

Registered here and applied per test with ``@settings(JA_PROFILE)`` rather than loaded
globally, so that other packages' property tests keep their own settings.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ja",
    max_examples=150,
    derandomize=True,  # the same examples on every run and every machine
    deadline=None,  # regex compilation on first use must not fail a property
    suppress_health_check=[HealthCheck.too_slow],
)
