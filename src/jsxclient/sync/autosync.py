"""Sync again by itself when the server comes back.

After a sync fails as offline, `AutoSync` probes `/api/v1/health` with
exponential backoff and jitter (2,000 townships reconnecting at once must not
hammer the server in step) and calls `on_reachable` once it answers. The
callback runs on AutoSync's own thread: the UI forwards it to its own
worker; nothing here knows about Qt.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class AutoSync:
    def __init__(
        self,
        probe: Callable[[], bool],
        on_reachable: Callable[[], None],
        *,
        min_delay: float = 5.0,
        max_delay: float = 300.0,
    ) -> None:
        self.probe = probe
        self.on_reachable = on_reachable
        self.min_delay = min_delay
        self.max_delay = max_delay
        self._wake = threading.Condition()
        self._probing = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self.probes = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="jsx-autosync", daemon=True)
            self._thread.start()

    def notify_offline(self) -> None:
        """A sync found the server unreachable: start probing (backoff resets)."""
        with self._wake:
            self._probing = True
            self._wake.notify_all()

    def cancel(self) -> None:
        """The server is known reachable again (a manual sync went through)."""
        with self._wake:
            self._probing = False
            self._wake.notify_all()

    @property
    def probing(self) -> bool:
        return self._probing

    def stop(self, timeout: float = 5.0) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        delay = self.min_delay
        while True:
            with self._wake:
                while not self._probing and not self._stopped:
                    self._wake.wait()
                    delay = self.min_delay
                if self._stopped:
                    return
                # Interrupted early by stop() or cancel(); re-checked below.
                self._wake.wait(delay / 2 + random.uniform(0, delay / 2))
                if self._stopped:
                    return
                if not self._probing:
                    continue
            self.probes += 1
            try:
                up = self.probe()
            except Exception:  # a probe must never kill the loop
                log.exception("health probe failed")
                up = False
            if not up:
                delay = min(self.max_delay, delay * 2)
                continue
            with self._wake:
                was = self._probing
                self._probing = False
            delay = self.min_delay
            if was:
                try:
                    self.on_reachable()
                except Exception:
                    log.exception("auto sync callback failed")
