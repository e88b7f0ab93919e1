"""`mopstui init`: plain-prompt set-up (works over SSH) and its scripted, non-interactive twin.

`fields` turns each kind's Options dataclass into prompts and typed values, `configfile` writes
config.toml with a backup, `connection` tests each source, `interactive` asks the questions.
"""
