"""Builds: rendered outputs -> files on disk under build/<slug>/, written atomically in one place."""
