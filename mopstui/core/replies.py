"""Canned replies for declining a request: "the art of saying no".

Each default gives the requester a reason and a next step, so a "no" moves the work forward instead
of ending the conversation. The config's `[replies]` table (id = text) replaces a default by using
its id, or adds a new reply under a new id. `{requester}` and `{title}` in a reply are filled with
the request's requester (name only) and title. The TUI shows these in the decline picker, lets the
user edit the filled text, and a request source posts that text as its comment.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Defaults by id. Plain sentences: they are posted verbatim as a comment on the request.
DEFAULT_REPLIES: dict[str, str] = {
    "needs-brief": (
        "Hi {requester}, thanks for sending “{title}” over. We can't start yet because we don't have a brief: the audience, "
        "the goal, the send date and who signs off. Please fill in the campaign brief template and "
        "open a new request with it attached; we'll pick it up in our next planning round."
    ),
    "out-of-scope": (
        "Hi {requester}, thanks for thinking of us. This one sits outside what Marketing Operations looks after, so "
        "we're closing it here rather than letting it wait in our queue. Your team's lead or the "
        "owning team is the right place for it; if there is a marketing-automation part, open a "
        "request for just that part and we'll gladly take it."
    ),
    "duplicate": (
        "Hi {requester}, thanks! We're already tracking this in another request, so we're closing this copy to keep "
        "everything in one place. Please add any new details as a comment on the original request "
        "and you'll get its updates there."
    ),
    "whole-database": (
        "Hi {requester}, thanks for the request. We can't email the whole database: people who haven't engaged or "
        "opted in would hurt our sender reputation and deliverability for every future send, and "
        "some of them haven't agreed to hear from us. Tell us who this is really for (a segment, a "
        "product line, a region) and we'll build a targeted list with you; those sends perform better too."
    ),
}

#: Short titles for the picker; ids without one get a title made from the id.
TITLES: dict[str, str] = {
    "needs-brief": "Needs a brief",
    "out-of-scope": "Out of scope",
    "duplicate": "Duplicate",
    "whole-database": "Would email the whole database",
}


def replies_for(config_replies: Mapping[str, str] | None) -> dict[str, str]:
    """The replies to offer, by id: the defaults, replaced or extended by the config's `[replies]`.

    A config entry whose text is blank removes that reply, so a team can drop a default it never uses.
    """
    replies = dict(DEFAULT_REPLIES)
    for reply_id, text in (config_replies or {}).items():
        if text.strip():
            replies[reply_id] = text.strip()
        else:
            replies.pop(reply_id, None)
    return replies


def title_for(reply_id: str) -> str:
    """A short human title for a reply id, e.g. `needs-brief` -> "Needs a brief"."""
    return TITLES.get(reply_id) or reply_id.replace("-", " ").replace("_", " ").capitalize()


#: Words in a request's title that point at a default reply (the picker starts there).
HINTS: dict[str, tuple[str, ...]] = {
    "whole-database": ("whole database", "entire database", "all contacts", "everyone in", "every contact"),
    "duplicate": ("duplicate of", "same as mops-", "again:"),
}


def suggest_reply(title: str, replies: Mapping[str, str]) -> str | None:
    """The reply id a title suggests (e.g. "send it to the whole database" -> whole-database)."""
    lowered = title.lower()
    for reply_id, words in HINTS.items():
        if reply_id in replies and any(w in lowered for w in words):
            return reply_id
    return None


def requester_name(requester: str) -> str:
    """ "Dana Whitfield (VP Marketing)" -> "Dana Whitfield": how a reply addresses a person."""
    return requester.split(" (")[0].strip()


def fill_reply(text: str, requester: str, title: str) -> str:
    """The reply with `{requester}` and `{title}` filled in. Plain replacement, not str.format: a
    team's reply may hold other braces (a JSON snippet, a merge tag) that must stay as typed."""
    return text.replace("{requester}", requester_name(requester)).replace("{title}", title)


def audit_note(params: Mapping[str, str]) -> str:
    """What the audit log says about the reply of a decline: "reply 'duplicate' (edited)"; "" without one."""
    reply_id = params.get("reply_id", "")
    if not reply_id:
        return ""
    return f"reply '{reply_id}'" + (" (edited)" if params.get("reply_edited") == "yes" else "")
