"""DRF fields for the query parameters of a search: their refusals are the API's
``invalid_parameter`` answer (:class:`dms.errors.InvalidParameter`), naming the parameter,
in Japanese and English.

A field's refusals are ja/en templates by DRF error code; ``{label}`` is the parameter's
Japanese name (the field's label), ``{name}`` the parameter itself. The first parameter
refused is the answer, as the search API has always done.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from rest_framework import serializers
from rest_framework.fields import empty

from dms.errors import InvalidParameter

NOT_AN_INTEGER = ("{label}は整数で指定してください。", "{name} must be an integer.")
NOT_A_BOOLEAN = ("{label}は true か false で指定してください。", "{name} must be true or false.")
OUT_OF_RANGE = ("{label}の値が範囲外です。", "{name} is out of range.")
INT64_MAX = 2**63 - 1  # the engines' and the databases' widest integer


class Param:
    """Mixed into a DRF field for a query parameter: surrounding spaces and a blank value
    mean "not given", and a refusal is an ``invalid_parameter`` answer naming the parameter,
    in the two languages of ``refusals`` (DRF's own texts are English only)."""

    refusals: dict[str, tuple[str, str]] = {}  # DRF error code -> (Japanese, English)

    def __init__(self, *, refusals: dict[str, tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(required=False, **kwargs)
        self.refusals = {**self.refusals, **(refusals or {})}

    def get_value(self, dictionary):
        value = dictionary.get(self.field_name, "").strip()
        return value or empty

    def fail(self, key, **kwargs):
        raise serializers.ValidationError(key, code=key)  # the text comes from refusals

    def run_validation(self, data=empty):
        try:
            return super().run_validation(data)
        except serializers.ValidationError as error:
            raise self.refused(_first_code(error.detail), data) from None

    def refused(self, code: str, data) -> InvalidParameter:
        """The one place a field's refusal becomes the answer."""
        message, message_en = self.refusals[code]
        names = {"label": self.label, "name": self.field_name}
        return InvalidParameter(
            self.field_name, message.format(**names), message_en.format(**names)
        )


def _first_code(detail) -> str:
    while not isinstance(detail, serializers.ErrorDetail):  # a list, or a dict by list index
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return detail.code


class WholeNumber(serializers.IntegerField):
    """int() of the text: no decimals (DRF's own field also takes 5.0), and nothing wider
    than 64 bits, which no engine or database column could compare with."""

    default_error_messages = {"out_of_range": "out of range"}

    def to_internal_value(self, data):
        try:
            value = int(data)
        except ValueError:
            self.fail("invalid")
        if not -INT64_MAX - 1 <= value <= INT64_MAX:
            self.fail("out_of_range")
        return value


class IntegerParam(Param, WholeNumber):
    """An integer as amounts are written: 1,000 / 1000円 / ¥1000."""

    refusals = {"invalid": NOT_AN_INTEGER, "out_of_range": OUT_OF_RANGE}

    def to_internal_value(self, data):
        return super().to_internal_value(data.replace(",", "").replace("円", "").lstrip("¥￥"))


class BooleanParam(Param, serializers.BooleanField):
    refusals = {"invalid": NOT_A_BOOLEAN}
    TRUE_VALUES = {"1", "true", "yes", "on"}
    FALSE_VALUES = {"0", "false", "no", "off"}

    def to_internal_value(self, data):
        return super().to_internal_value(data.lower())


class Text(serializers.CharField):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # Only the length is checked: DRF also refuses NUL and lone surrogates, which the
        # API has always taken as text to search for.
        self.validators = [v for v in self.validators if isinstance(v, MaxLengthValidator)]


class TextParam(Param, Text):
    pass


class ListParam(Param, serializers.ListField):
    """Repeated or comma-separated values (、 as well): ``?status=ready,failed&status=new``."""

    def get_value(self, dictionary):
        raw = ",".join(dictionary.getlist(self.field_name)).replace("、", ",")
        return [value for value in (v.strip() for v in raw.split(",")) if value] or empty

    def to_internal_value(self, data):
        return tuple(super().to_internal_value(data))


class IntegersParam(ListParam):
    refusals = {
        "invalid": NOT_AN_INTEGER,
        "out_of_range": OUT_OF_RANGE,
        "min_value": OUT_OF_RANGE,
        "max_value": OUT_OF_RANGE,
    }

    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kwargs):
        super().__init__(child=WholeNumber(min_value=min_value, max_value=max_value), **kwargs)


class ChoiceParam(Param, serializers.ChoiceField):
    def get_value(self, dictionary):
        return dictionary.get(self.field_name, empty)  # as given: a blank choice is refused
