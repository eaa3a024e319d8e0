"""Hypothesis settings for the OCR tests: deterministic and quick.

The profile is registered here and applied per test with ``@settings(OCR_PROFILE)``
rather than loaded globally, so that other packages' property tests keep their own
settings when the whole suite runs together.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ocr",
    max_examples=150,
    derandomize=True,  # the same examples on every run and every machine
    deadline=None,  # regex compilation on first use must not fail a property
    suppress_health_check=[HealthCheck.too_slow],
)
