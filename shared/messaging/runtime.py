"""The runtime owns a service's background tasks (relay, consumers, scheduled jobs) and reports them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from shared.logging import get_logger

log = get_logger("anjian.runtime")


@dataclass
class TaskState:
    name: str
    task: asyncio.Task
    error: str | None = None

    @property
    def alive(self) -> bool:
        return not self.task.done()


class Runtime:
    """Keeps references to every background task; a task that dies makes the service not ready."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.tasks: dict[str, TaskState] = {}
        self.stopping = False
        self.oneoffs: set[asyncio.Task] = set()

    def spawn(self, name: str, factory: Callable[[], Awaitable[None]]) -> asyncio.Task:
        task = asyncio.create_task(factory(), name=f"{self.service}:{name}")
        state = TaskState(name, task)
        self.tasks[name] = state

        def _done(t: asyncio.Task) -> None:
            if t.cancelled():
                return
            exc = t.exception()
            state.error = repr(exc) if exc else "exited"
            if not self.stopping:
                log.error("background task ended", service=self.service, task=name, error=state.error)

        task.add_done_callback(_done)
        return task

    def spawn_oneoff(self, name: str, factory: Callable[[], Awaitable[None]]) -> asyncio.Task:
        """A task that is expected to finish (an import job); it does not count in readiness."""
        task = asyncio.create_task(factory(), name=f"{self.service}:{name}")
        self.oneoffs.add(task)

        def _done(t: asyncio.Task) -> None:
            self.oneoffs.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("one-off task failed", service=self.service, task=name, error=repr(t.exception()))

        task.add_done_callback(_done)
        return task

    def status(self) -> dict[str, dict]:
        return {n: {"alive": s.alive, "error": s.error} for n, s in self.tasks.items()}

    @property
    def healthy(self) -> bool:
        return all(s.alive for s in self.tasks.values())

    async def stop(self) -> None:
        self.stopping = True
        for s in self.tasks.values():
            s.task.cancel()
        for t in self.oneoffs:
            t.cancel()
        await asyncio.gather(*(s.task for s in self.tasks.values()), *self.oneoffs, return_exceptions=True)
        self.tasks.clear()
