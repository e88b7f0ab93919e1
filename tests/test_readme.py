"""Every config example in the README is a config mopstui accepts (docs that cannot rot silently)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from mopstui.config import parse_config

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
CONFIGS = [b for b in BLOCKS if "[sources." in b]


def test_the_readme_has_config_examples():
    assert len(CONFIGS) >= 4


@pytest.mark.parametrize("block", CONFIGS, ids=[re.search(r"\[sources\.([^\]]+)\]", b).group(1) for b in CONFIGS])
def test_config_example_is_valid(block, tmp_path):
    data = tomllib.loads(block)
    config = parse_config(data, tmp_path / "config.toml")
    assert config.sources
