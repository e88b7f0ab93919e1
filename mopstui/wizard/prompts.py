"""Plain line prompts: no mouse, no full-screen UI, so they work over SSH and when piped."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from mopstui.credentials.entry import read_secret


class Aborted(Exception):
    """The user quit (Ctrl+C, end of input, or answered "quit")."""


class Prompter:
    """Questions on stdout, answers from stdin; end of input or Ctrl+C raises Aborted."""

    def say(self, text: str = "") -> None:
        print(text, flush=True)

    def warn(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def ask(self, question: str, default: str = "") -> str:
        suffix = f" [{default}]" if default else ""
        try:
            answer = input(f"{question}{suffix}: ").strip()
        except (EOFError, KeyboardInterrupt):
            raise Aborted from None
        return answer or default

    def yes_no(self, question: str, default: bool = False) -> bool:
        while True:
            answer = self.ask(f"{question} [{'Y/n' if default else 'y/N'}]").lower()
            if not answer:
                return default
            if answer in ("y", "yes"):
                return True
            if answer in ("n", "no"):
                return False
            self.say("  please answer y or n")

    def choose(self, question: str, choices: Sequence[str], default: str) -> str:
        """One of `choices`, by its full name or first letter."""
        while True:
            answer = self.ask(question, default).lower()
            for choice in choices:
                if answer in (choice, choice[:1]):
                    return choice
            self.say(f"  please answer one of: {', '.join(choices)}")

    def secret(self, question: str) -> str:
        try:
            return read_secret(f"{question}: ", prompt_when_piped=True)
        except (EOFError, KeyboardInterrupt):
            raise Aborted from None
