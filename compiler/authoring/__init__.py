"""Authoring: a framework -> a starter inspection (`inspection new`); a folder -> a live preview (`inspection serve`)."""
