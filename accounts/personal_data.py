"""The registry of everything a person owns, so export and deletion miss nothing.

Each feature app registers its datasets in its AppConfig.ready(); `accounts` never imports
feature apps. A dataset exports its rows as plain dicts (JSON and CSV), may add files (such as
FHIR resources), and may `forget` a user first — e.g. reverse their contribution to aggregates
— before the rows themselves are deleted with the account.
"""

from collections.abc import Callable
from dataclasses import dataclass

Row = dict[str, object]


@dataclass(frozen=True)
class PersonalDataset:
    name: str
    description: str
    export: Callable[[object], list[Row]]
    files: Callable[[object], dict[str, bytes]] | None = None
    forget: Callable[[object], None] | None = None


_datasets: dict[str, PersonalDataset] = {}


def register(dataset: PersonalDataset) -> None:
    _datasets[dataset.name] = dataset


def datasets() -> list[PersonalDataset]:
    return sorted(_datasets.values(), key=lambda d: d.name)
