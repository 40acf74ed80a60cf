"""The API's OpenAPI 3.1 document: ``openapi.yaml`` beside this module, read once."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml


@functools.cache
def openapi_document() -> dict:
    return yaml.safe_load(Path(__file__).with_name("openapi.yaml").read_text(encoding="utf-8"))
