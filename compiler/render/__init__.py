"""Rendering: a `RatedInspection` -> the view -> HTML text and PDF bytes, written nowhere."""
