"""Documents and their immutable versions: the records everything else builds on."""
