"""The Textual app. Talks to mopstui.core only."""
