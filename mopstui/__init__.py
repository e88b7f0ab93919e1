"""mopstui: a terminal cockpit for Marketing Operations."""

__version__ = "0.1.0"
