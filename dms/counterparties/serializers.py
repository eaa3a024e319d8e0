from rest_framework import serializers

from dms.counterparties.models import ExtractedValue, KnownCounterparty
from dms.documents import validation


class KnownCounterpartySerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=200, validators=[validation.plain_text])
    invoice_number = serializers.RegexField(r"^(T[0-9]{13})?$", required=False, allow_blank=True)
    corporate_number = serializers.RegexField(r"^([0-9]{13})?$", required=False, allow_blank=True)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200, validators=[validation.plain_text]),
        required=False,
    )

    class Meta:
        model = KnownCounterparty
        fields = [
            "id",
            "name",
            "key",
            "corporate_number",
            "invoice_number",
            "aliases",
            "algorithm",
            "match",
            "updated_at",
        ]
        read_only_fields = ["key", "updated_at"]


class MergeSerializer(serializers.Serializer):
    merge_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class ExtractedValueSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    field_label = serializers.CharField(source="get_field_display", read_only=True)

    class Meta:
        model = ExtractedValue
        fields = [
            "field",
            "field_label",
            "value",
            "read_as",
            "source",
            "source_label",
            "detail",
            "line",
            "confirmed",
            "updated_at",
        ]
        read_only_fields = fields


class ExtractedValueCorrectionSerializer(serializers.Serializer):
    value = serializers.JSONField()
