"""What every window and page shares: the store, the task workers, settings
and the "data changed" bus. Nothing in here touches the database from the
GUI thread: `store` is only used inside tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QObject, Signal

from jsxclient.store.queries.pickers import Place
from jsxclient.store.records import Step
from jsxclient.store.store import Store
from jsxclient.ui.settings import Settings
from jsxclient.ui.tasks import TaskManager

ALL = "*"


class DataBus(QObject):
    """`changed(entities)` after every write: pages reload what they show.
    `ALL` in the set means everything (a sync, a restore)."""

    changed = Signal(object)
    sync_state = Signal(object)  # a SyncView for the status bar and the sync page

    def emit_changed(self, *entities: str) -> None:
        self.changed.emit(frozenset(entities))


def touches(changed: frozenset[str], *entities: str) -> bool:
    return ALL in changed or bool(changed & set(entities))


@dataclass(frozen=True)
class Undo:
    """The last save or delete, and how to take it back (Ctrl+Z)."""

    text: str  # "保存会员 张三", shown when it is undone
    steps: tuple[Step, ...]


@dataclass
class AppContext:
    store: Store
    tasks: TaskManager
    settings: Settings
    bus: DataBus
    township: str = ""
    township_name: str = ""
    places: list[Place] = field(default_factory=list)  # township first, then villages
    today_override: date | None = None
    demo: bool = False  # the store holds demo data (Store.is_demo)
    last_write: Undo | None = None

    def remember(self, text: str, steps: tuple[Step, ...]) -> None:
        """Offer this save or delete to Ctrl+Z (one level: the last one)."""
        self.last_write = Undo(text, steps) if steps else None

    def today(self) -> date:
        return self.today_override or date.today()

    def place_name(self, code: str | None) -> str:
        for p in self.places:
            if p.code == code:
                return p.name
        return code or ""
