"""Sources: an inspection folder (YAML and Markdown) -> a typed `Inspection`, or positioned diagnostics."""
