"""The audit trail: append-only, each entry chained to the previous one by hash."""
