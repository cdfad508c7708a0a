"""The environment variables curator/settings.py reads, found in its source."""

from __future__ import annotations

import re

from tests.support.paths import REPO


def settings_variables() -> set[str]:
    source = (REPO / "curator" / "settings.py").read_text()
    return set(re.findall(r'(?:env(?:str|bool|int|float|list)|os\.getenv)\(\s*"([A-Z_][A-Z0-9_]*)"', source))
