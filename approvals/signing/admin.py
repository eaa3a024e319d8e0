"""Django admin: a city's own CA certificate and staff certificates can be entered here
(docs/signing.md); revisions are read-only records."""

from django.contrib import admin

from approvals.signing.models import (
    DecisionRevision,
    SigningAuthority,
    SigningIdentity,
    StampPreference,
)


@admin.register(SigningAuthority)
class SigningAuthorityAdmin(admin.ModelAdmin):
    list_display = ("key_label", "next_serial", "created_at")


@admin.register(SigningIdentity)
class SigningIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "key_label", "serial", "issuer", "created_at")
    search_fields = ("user__username", "user__display_name", "key_label")


@admin.register(StampPreference)
class StampPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "date_style", "personal_seal")


@admin.register(DecisionRevision)
class DecisionRevisionAdmin(admin.ModelAdmin):
    list_display = ("case", "index", "kind", "sha256", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
