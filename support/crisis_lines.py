"""The national crisis lines, read once from `data/national_lines.toml`.

The numbers live in one reviewed data file, not in templates, so that re-verifying them is a
single edit with a date and a source for every entry.
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "national_lines.toml"


@dataclass(frozen=True)
class NationalLine:
    id: str
    name: str
    hours: str
    for_whom: str
    description: str
    urgent: bool
    source: str
    phone: str = ""
    phone_note: str = ""
    text_number: str = ""
    text_keyword: str = ""
    chat_url: str = ""

    @property
    def tel_href(self) -> str:
        digits = re.sub(r"\D", "", self.phone)
        # Ten-digit numbers get the +1 country code; 988 and 911 must be dialled as they are.
        return f"tel:+1{digits[-10:]}" if len(digits) >= 10 else f"tel:{digits}"

    @property
    def sms_href(self) -> str:
        # `?&body=` is understood by both iOS and Android messaging apps.
        body = f"?&body={self.text_keyword}" if self.text_keyword else ""
        return f"sms:{self.text_number}{body}"


@dataclass(frozen=True)
class NationalDirectory:
    last_verified: date
    sources: tuple[str, ...]
    lines: tuple[NationalLine, ...]


def parse_national_lines(text: str) -> NationalDirectory:
    data = tomllib.loads(text)
    if not isinstance(data.get("last_verified"), date):
        raise ValueError("national_lines.toml needs `last_verified` as a TOML date (2026-11-24).")
    lines = tuple(NationalLine(**entry) for entry in data["lines"])
    for line in lines:
        if not (line.phone or line.text_number or line.chat_url):
            raise ValueError(f"National line {line.id!r} has no phone, text number or chat URL.")
        if not line.source.startswith(("http://", "https://")):
            raise ValueError(f"National line {line.id!r} needs the URL it was verified against.")
    return NationalDirectory(
        last_verified=data["last_verified"],
        sources=tuple(data.get("sources", ())),
        lines=lines,
    )


@cache
def national_directory() -> NationalDirectory:
    return parse_national_lines(DATA_FILE.read_text(encoding="utf-8"))
