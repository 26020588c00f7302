"""Where the shipped data, the user's cache and the user's data (progress, prices) live.

An installed wheel carries rules/, quizzes/, pricing_data/ and schemas/ under advisor/_data/; a source checkout
(editable install, tests) has them beside the package. Both resolve here so nothing else guesses paths.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

_PACKAGE = Path(__file__).resolve().parent
DataName = str  # "rules" | "quizzes" | "pricing_data" | "schemas"


def shipped_dir(name: DataName) -> Path:
    """The folder of shipped data called `name`, from the wheel or from the source tree."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def cache_dir() -> Path:
    """The user's cache folder (ADVISOR_CACHE_DIR overrides); it may not exist yet."""
    override = os.environ.get("ADVISOR_CACHE_DIR")
    if override:
        return Path(override)

    return Path(user_cache_dir("sagemaker-advisor", appauthor=False))


def data_dir(override: Path | None = None) -> Path:
    """The user's data folder (quiz progress, refreshed prices): `override` (--data-dir), else
    ADVISOR_DATA_DIR, else the platform's user data folder; it may not exist yet."""
    if override is not None:
        return override
    env = os.environ.get("ADVISOR_DATA_DIR")
    if env:
        return Path(env)

    return Path(user_data_dir("sagemaker-advisor", appauthor=False))
