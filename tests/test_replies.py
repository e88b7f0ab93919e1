"""Canned decline replies: polite defaults with a reason and a next step, replaceable from the config."""

from __future__ import annotations

from pathlib import Path

from mopstui.config import load_config
from mopstui.core.replies import DEFAULT_REPLIES, replies_for, title_for


def test_defaults_cover_the_common_noes() -> None:
    assert set(DEFAULT_REPLIES) == {"needs-brief", "out-of-scope", "duplicate", "whole-database"}
    for text in DEFAULT_REPLIES.values():
        # polite, to the person, and more than a bare "no"
        assert text.startswith("Hi {requester}, thanks") and len(text) > 120
    assert replies_for(None) == DEFAULT_REPLIES
    assert title_for("whole-database") == "Would email the whole database"
    assert title_for("too-late") == "Too late"


def test_config_replaces_adds_and_removes(write_config) -> None:  # type: ignore[no-untyped-def]
    path: Path = write_config(
        "[replies]\n"
        'duplicate = "Already tracked in the original ticket; follow it there."\n'
        'too-late = "Thanks! Sends need five working days; let us pick a new date together."\n'
        'needs-brief = ""\n'
        '[sources.demo]\nkind = "demo"\n'
    )
    replies = replies_for(load_config(path).replies)
    assert replies["duplicate"].startswith("Already tracked")
    assert "too-late" in replies and "needs-brief" not in replies
    assert replies["whole-database"] == DEFAULT_REPLIES["whole-database"]


def test_a_title_suggests_the_matching_reply():
    from mopstui.core.replies import replies_for, suggest_reply

    replies = replies_for({})
    assert suggest_reply("Send the Black Friday promo to the whole database today", replies) == "whole-database"
    assert suggest_reply("Build a list for the Q1 webinar", replies) is None
    assert suggest_reply("Email the whole database", replies_for({"whole-database": ""})) is None
