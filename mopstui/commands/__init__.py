"""Headless subcommands, one module each."""
