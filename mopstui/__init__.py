"""mopstui: a terminal cockpit for Marketing Operations."""

from mopstui.gctune import tune_gc as _tune_gc

__version__ = "0.1.0"

# mopstui is an application: importing this package is how its process starts (the `mopstui`
# command, `python -m mopstui`), so the collector is tuned here, before Textual is imported.
_tune_gc()
