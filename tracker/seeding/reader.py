"""The seed files' reader: loads one YAML file and collects every problem with its place
(file and entry) instead of stopping at the first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class SeedError(Exception):
    """The seed files are not loadable; ``problems`` names file and entry of each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class Reader:
    """Collects validation problems for one file instead of stopping at the first."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        prefix = f"{self.path.name}: {where}: " if where else f"{self.path.name}: "
        self.problems.append(prefix + message)

    def load(self) -> Any:
        try:
            return yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.problem("", "bestand ontbreekt")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" (regel {mark.line + 1})" if mark else ""
            self.problem("", f"geen geldige YAML{line}: {getattr(exc, 'problem', exc)}")
        return None

    def text(self, entry: dict, key: str, where: str, required: bool = True) -> str | None:
        value = entry.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(where, f"veld '{key}' ontbreekt")
            return None
        if not isinstance(value, str):
            self.problem(where, f"veld '{key}' moet tekst zijn")
            return None
        return value

    def integer(self, entry: dict, key: str, where: str) -> int | None:
        value = entry.get(key)
        if value is None:
            self.problem(where, f"veld '{key}' ontbreekt")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.problem(where, f"veld '{key}' moet een positief geheel getal zijn")
            return None
        return value

    def mapping_list(self, value: Any, where: str) -> list[dict]:
        if not isinstance(value, list):
            self.problem(where, "verwacht een lijst")
            return []
        good = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.problem(f"{where} #{index}", "verwacht velden (sleutel: waarde)")
        return good
