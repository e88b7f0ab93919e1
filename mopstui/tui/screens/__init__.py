"""Modal and detail screens."""
