"""Panes of the cockpit, one module each."""
