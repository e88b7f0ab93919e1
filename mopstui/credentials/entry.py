"""How a secret is typed in: without echo on a terminal, one line from standard input when piped."""

from __future__ import annotations

import getpass
import sys


def read_secret(prompt: str, *, prompt_when_piped: bool = False) -> str:
    """One secret, without its line ending. EOFError when there is no input at all.

    getpass is used only when stdin is a terminal: on a pipe it would still open /dev/tty and wait
    for a person, which is wrong for `printf ... | mopstui auth set` in a script.
    """
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    if prompt_when_piped:
        sys.stdout.write(prompt)
        sys.stdout.flush()
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if line == "":
        raise EOFError
    return line.rstrip("\r\n")
