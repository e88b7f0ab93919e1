"""Modal and detail screens.

The main screen is imported at start; every other screen is imported by the action that opens it,
as Textual's own `App.action_show_help_panel` imports `HelpPanel`: defining them all (with their
widgets, bindings and styles) would cost more than the rest of the cockpit's start-up
(benchmarks/README.md, "What start-up does less").
"""
