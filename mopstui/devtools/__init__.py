"""Tooling that drives the cockpit from outside: the screenshot scenes and their frozen clock.

Used by `mopstui screenshot` and the snapshot tests only; the runtime (core, adapters, tui, the
headless report) never imports it (an import-linter contract in pyproject.toml). The one seam into
the runtime is `mopstui.tui.format.set_clock`, through which every relative time is read.
"""
