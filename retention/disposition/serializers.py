from rest_framework import serializers

from dms.accounts.models import Department
from retention.disposition.models import Method, Proposal, ProposalItem, Tombstone
from retention.models import RecordFile


class QueueFileSerializer(serializers.ModelSerializer):
    retention_class = serializers.CharField(source="retention_class.name")
    custodian = serializers.CharField(source="custodian.name")
    action = serializers.CharField(source="action_at_expiry")

    class Meta:
        model = RecordFile
        fields = [
            "id",
            "title",
            "fiscal_year",
            "retention_class",
            "custodian",
            "base_expiry",
            "effective_expiry",
            "action",
        ]


class ProposalItemSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="record_file.title")

    class Meta:
        model = ProposalItem
        fields = ["record_file", "title", "state", "refusal"]


class ProposalSerializer(serializers.ModelSerializer):
    items = ProposalItemSerializer(many=True, read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "method",
            "state",
            "reason",
            "reference",
            "case",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "package_key",
            "received_at",
            "finished_at",
            "items",
        ]


class ProposalInputSerializer(serializers.Serializer):
    files = serializers.PrimaryKeyRelatedField(
        queryset=RecordFile.objects.all(), many=True, allow_empty=False
    )
    method = serializers.ChoiceField(choices=Method.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    # The section that drafts the decision case (default: the officer's own department).
    section = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )


class TombstoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tombstone
        fields = [
            "record_file",
            "method",
            "register_row",
            "hashes",
            "proposal",
            "decision_reference",
            "decided_by",
            "decided_at",
            "executed_at",
        ]
