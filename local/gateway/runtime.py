"""A Lambda-like runtime inside this process: loads each function's handler, hot-reloads edited code, runs handlers
in worker threads with their template environment and a Lambda context, and enforces the function's timeout.

Environment. ``os.environ`` is process-wide, yet handlers read their configuration from it. The
``EnvironmentGate`` lets invocations that share one environment run concurrently and makes an invocation with a
different environment wait until those finish; it then switches ``os.environ`` over. Every function's environment
names the function (AWS_LAMBDA_FUNCTION_NAME), so concurrent requests to the *same* function run in parallel
while requests to different functions take turns. When the runtime closes, ``os.environ`` is restored.

Module state. On Lambda every function has a process of its own, so what a layer module caches at module level
(``functools.cache``'d settings, clients, services) is that function's. Here the layer's modules are kept in
``ModuleNamespaces``: one copy per *configuration* (the environment without what Lambda sets, such as the
function name), swapped into ``sys.modules`` together with the environment. Functions the template configures
alike share a copy (their caches would hold the same values anyway); a function with other variables (a user pool
id, a usage plan id) gets its own, and pays its own import of the layer on its first call, like a cold start.

Timeouts. Lambda stops a handler at the function's ``Timeout``; a thread cannot be stopped, so a handler that
overruns is *abandoned*: the caller gets a timeout, the gate stops waiting for it and the thread finishes
whenever it finishes. Module loading (Lambda's init phase) does not count against the timeout.

Hot reload. Before each invocation the runtime compares file stamps of the function's folder and of its layers'
``.py`` files with the previous ones (on Linux only after inotify reported something there: ``FolderEvents``).
An edited function is re-imported; an edited layer drops every module
imported from it (and every function module, which holds references to them), so caches start empty again.
Only the handler's module is imported from the function folder (Lambda would also put the folder on sys.path;
two functions' sibling modules could then collide here, so that is not done).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import itertools
import logging
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from local.gateway.functions import LambdaFunction, configuration

log = logging.getLogger("local.gateway")

INIT_TIMEOUT_S = 10.0  # Lambda's limit on the init phase (importing the handler's module)
_START_POLL_S = 0.05
_runtime_ids = itertools.count(1)

Handler = Callable[[Any, Any], Any]


# ---- outcomes -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Returned:
    """The handler returned ``value``."""

    value: Any


@dataclass(frozen=True, slots=True)
class Raised:
    """The handler (or importing its module) raised."""

    error: BaseException
    traceback: str


@dataclass(frozen=True, slots=True)
class TimedOut:
    """The handler ran past its deadline and was abandoned."""

    after_s: float


Outcome = Returned | Raised | TimedOut


@dataclass(frozen=True, slots=True)
class Report:
    """What Lambda's REPORT line says of one invocation that ran its handler: the request id and the handler's
    own duration (the call of the handler, nothing around it: loading, the gate and the thread hops are not in it)."""

    function: str
    request_id: str
    duration_s: float


# ---- the Lambda context -------------------------------------------------------------------------------------


class LambdaContext:
    """What Lambda passes as ``context``: the function's identity and limits, and the time left."""

    def __init__(self, function: LambdaFunction, request_id: str, deadline: float) -> None:
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.arn
        self.memory_limit_in_mb = function.memory_mb
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self.identity: Any = None
        self.client_context: Any = None
        self.tenant_id: str | None = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# ---- the environment gate -----------------------------------------------------------------------------------


@dataclass(eq=False)
class Invocation:
    """One run of a handler: its request id, when it was submitted and started, and its hold on the gate."""

    request_id: str
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None  # when the handler itself was called (after loading)
    holds_gate: bool = False
    abandoned: bool = False

    def remaining_s(self, timeout_s: float, limit_s: float | None) -> float:
        """Seconds left before it times out: the function's timeout from the start of the handler (loading has
        its own, Lambda's init limit), capped by ``limit_s`` from submission (API Gateway's integration limit)."""
        now = time.monotonic()
        own = INIT_TIMEOUT_S - (now - self.submitted) if self.started is None else timeout_s - (now - self.started)
        return own if limit_s is None else min(own, limit_s - (now - self.submitted))


class AbandonedError(Exception):
    """The invocation was given up on before it got its turn."""


class EnvironmentGate:
    """Serialises invocations whose environments differ; lets those with the same environment run together."""

    def __init__(self, on_switch: Callable[[Mapping[str, str]], None] | None = None) -> None:
        self._condition = threading.Condition()
        self._current: Mapping[str, str] | None = None
        self._holders = 0
        self._original: dict[str, str | None] = {}  # each key's value before the gate first changed it
        self._on_switch = on_switch  # told of each switch, with nobody holding the gate (module namespaces)

    def enter(self, environment: Mapping[str, str], invocation: Invocation) -> None:
        """Wait until ``environment`` may be in force, put it in force and hold it for ``invocation``."""
        with self._condition:
            while not invocation.abandoned and self._holders and self._current is not environment:
                self._condition.wait()
            if invocation.abandoned:
                raise AbandonedError(invocation.request_id)
            if self._current is not environment:
                self._apply(environment)
            self._holders += 1
            invocation.holds_gate = True

    def leave(self, invocation: Invocation) -> None:
        with self._condition:
            if invocation.holds_gate:
                invocation.holds_gate = False
                self._holders -= 1
                self._condition.notify_all()

    def abandon(self, invocation: Invocation) -> None:
        """Stop waiting for ``invocation``: its hold (or its place in the queue) is released."""
        with self._condition:
            invocation.abandoned = True
            self._condition.notify_all()
        self.leave(invocation)

    @contextmanager
    def holding(self, environment: Mapping[str, str]) -> Iterator[None]:
        """Run a block (seeding, a one-off script) with ``environment`` in force."""
        invocation = Invocation(request_id="local")
        self.enter(environment, invocation)
        try:
            yield
        finally:
            self.leave(invocation)

    def close(self) -> None:
        """Give ``os.environ`` back as it was before the gate touched it."""
        with self._condition:
            for key, value in self._original.items():
                _set_env(key, value)
            self._original.clear()
            self._current = None

    def _apply(self, environment: Mapping[str, str]) -> None:
        for key in (self._current or {}).keys() - environment.keys():
            _set_env(key, self._original[key])
        for key, value in environment.items():
            if key not in self._original:
                self._original[key] = os.environ.get(key)
            if os.environ.get(key) != value:
                os.environ[key] = value
        self._current = environment
        if self._on_switch is not None:
            self._on_switch(environment)


def _set_env(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


# ---- per-configuration module state ---------------------------------------------------------------------------

_OUTSIDE: Hashable = object()  # the modules of the process itself, from before the runtime swapped any


class ModuleNamespaces:
    """Copies of the layers' modules, one per key (a function configuration), swapped in and out of ``sys.modules``.

    ``activate(key)`` takes the layer modules now in ``sys.modules`` out (kept under the key that was active) and
    puts those of ``key`` in; modules imported while a key is active (lazily, on first use) belong to it. Modules
    refer to each other through their globals, bound at import, so a handler keeps using its own copies; only
    imports at call time look into ``sys.modules``, which is why a key is active while its functions run. Call it
    only while no handler of another key runs (the environment gate calls it on a switch, with nobody inside).
    """

    def __init__(self, roots: Iterable[Path]) -> None:
        self._prefixes = tuple(str(root) + os.sep for root in roots)
        self._saved: dict[Hashable, dict[str, ModuleType]] = {}
        self._active: Hashable = _OUTSIDE
        self._lock = threading.Lock()

    def activate(self, key: Hashable) -> None:
        with self._lock:
            if key == self._active or not self._prefixes:
                return
            self._saved[self._active] = self._take()
            sys.modules.update(self._saved.pop(key, {}))
            self._active = key

    def forget(self) -> None:
        """Drop the copies of every key but the active one (a layer file changed: they are stale); the caller
        unloads the active copy from ``sys.modules``. The process's own modules are kept."""
        with self._lock:
            self._saved = {k: v for k, v in self._saved.items() if k is _OUTSIDE}

    def restore(self) -> None:
        """Put the process's own modules back and drop every copy."""
        self.activate(_OUTSIDE)
        with self._lock:
            self._saved.clear()

    def _take(self) -> dict[str, ModuleType]:
        taken = {
            name: module
            for name, module in list(sys.modules.items())
            if (getattr(module, "__file__", None) or "").startswith(self._prefixes)
        }
        for name in taken:
            del sys.modules[name]
        return taken


# ---- watching code for edits --------------------------------------------------------------------------------


class FolderEvents:
    """Tells, with one non-blocking read, which watched folders may have changed since the last look (inotify, on
    Linux). A request then costs the hot reload a few microseconds instead of a walk over the layer; the walk runs
    only after an event, and it still decides what changed. Where inotify is missing (macOS, or the per-user limit
    of inotify instances is reached), every look walks, as before.

    One inotify instance per runtime (Linux allows 128 per user by default); each folder is reported to the
    ``CodeWatch`` that registered it.
    """

    def __init__(self) -> None:
        try:
            from inotify_simple import INotify, flags  # optional: Linux only

            self._inotify: Any = INotify()
        except (ImportError, OSError):
            self._inotify = None
            return
        self._mask = (
            flags.MODIFY | flags.CLOSE_WRITE | flags.ATTRIB | flags.CREATE | flags.DELETE
            | flags.MOVED_FROM | flags.MOVED_TO | flags.DELETE_SELF | flags.MOVE_SELF
        )  # fmt: skip
        self._overflow = flags.Q_OVERFLOW
        self._owners: dict[int, CodeWatch] = {}

    @property
    def available(self) -> bool:
        return self._inotify is not None

    def watch(self, folder: str, owner: CodeWatch) -> None:
        if self._inotify is None:
            return
        try:
            self._owners[self._inotify.add_watch(folder, self._mask)] = owner
        except OSError:  # gone already, or the watch limit: the owner walks on every look instead
            owner.dirty_always = True

    def collect(self) -> None:
        """Mark the owners of folders that reported something since the last call."""
        if self._inotify is None:
            return
        for event in self._inotify.read(timeout=0):
            owners = self._owners.values() if event.mask & self._overflow else [self._owners.get(event.wd)]
            for owner in owners:
                if owner is not None:
                    owner.dirty = True

    def close(self) -> None:
        if self._inotify is not None:
            self._inotify.close()
            self._inotify = None


class CodeWatch:
    """Notices edits below a folder by comparing (path, mtime, size) of its files between looks; with ``events``
    the comparison runs only after the folder reported a change."""

    def __init__(self, root: Path, suffix: str = "", events: FolderEvents | None = None) -> None:
        self.root = root
        self._suffix = suffix
        self._events = events if events is not None and events.available else None
        self.dirty_always = self._events is None
        self.dirty = False
        self._stamps = self._scan()

    def changed(self, *, collected: bool = False) -> set[str]:
        """Files added, removed or modified since the previous call; ``collected``: the caller has just read the
        events (``FolderEvents.collect``) for several watches at once."""
        if self._events is not None and not collected:
            self._events.collect()
        if not (self.dirty or self.dirty_always):
            return set()
        self.dirty = False
        stamps = self._scan()
        if stamps == self._stamps:
            return set()
        changed = {s[0] for s in set(stamps) ^ set(self._stamps)}
        self._stamps = stamps
        return changed

    def _scan(self) -> tuple[tuple[str, int, int], ...]:
        return tuple(self._walk(str(self.root)))

    def _walk(self, folder: str) -> Iterator[tuple[str, int, int]]:
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            return
        if self._events is not None:
            self._events.watch(folder, self)  # watching a folder again is a no-op; new folders get watched here
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if entry.is_dir():
                yield from self._walk(entry.path)
            elif entry.name.endswith(self._suffix):
                stat = entry.stat()
                yield entry.path, stat.st_mtime_ns, stat.st_size


# ---- the runtime --------------------------------------------------------------------------------------------


class Runtime:
    """Runs the template's functions in this process (see the module docstring for how and why)."""

    def __init__(
        self,
        functions: Mapping[str, LambdaFunction],
        *,
        hot_reload: bool = True,
        workers: int = 16,
        on_report: Callable[[Report], None] | None = None,
    ) -> None:
        self.functions = functions
        self.on_report = on_report  # told of every handler call, from its worker thread, before its caller is
        layer_dirs = sorted({d for f in functions.values() for d in f.layer_dirs})
        self._namespaces = ModuleNamespaces(layer_dirs)
        self.gate = EnvironmentGate(on_switch=lambda environment: self._namespaces.activate(configuration(environment)))
        self._hot_reload = hot_reload
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda")
        self._lock = threading.Lock()  # guards loading, the watches and the handler cache
        self._handlers: dict[str, Handler] = {}
        self._running = 0
        self._lock_running = threading.Lock()
        # Like one Lambda instance, run one handler at a time: Powertools' resolvers keep the current event in
        # class attributes shared by every resolver in the process, so two handlers running at once in one
        # process would read each other's requests.
        self._one_at_a_time = threading.Lock()
        self._module_names = {name: f"lambda_{next(_runtime_ids)}_{name}" for name in functions}
        self._folder_events = FolderEvents()
        self._layer_watches = [CodeWatch(d, ".py", self._folder_events) for d in layer_dirs]
        self._code_watches = {
            d: CodeWatch(d, events=self._folder_events) for d in sorted({f.code_dir for f in functions.values()})
        }
        self._added_paths = [d for d in layer_dirs if str(d) not in sys.path]
        for folder in reversed(self._added_paths):  # layers are importable as on Lambda (/opt/python on sys.path)
            sys.path.insert(0, str(folder))

    async def invoke(self, function: LambdaFunction, event: Any, *, limit_s: float | None = None) -> Outcome:
        """Run ``function``'s handler with ``event`` in a worker thread; wait at most its timeout (and ``limit_s``)."""
        invocation = Invocation(request_id=str(uuid.uuid4()))  # Lambda's own id, not API Gateway's
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[Outcome] = loop.create_future()

        def run() -> None:
            try:
                result = self._run(function, event, invocation)
            except BaseException as error:  # whatever ends the handler, the request gets an answer
                result = Raised(error, traceback.format_exc())
            # straight back to the loop: no chain of wrapped futures between the worker and the awaiting request
            loop.call_soon_threadsafe(_settle, outcome, result)

        timer: asyncio.TimerHandle | None = None

        def watch() -> None:
            """The deadline, kept by one timer on the loop (an ``asyncio.wait`` per look cost every request a
            waiter future and more turns of the loop on its way back). Until the handler starts (its module
            loading, its turn at the gate) the deadline is not yet known: look again shortly. Once it has started,
            wake at exactly the time it has left."""
            nonlocal timer
            if outcome.done():
                return
            remaining = invocation.remaining_s(function.timeout_s, limit_s)
            if remaining > 0:
                wait_s = remaining if invocation.started is not None else min(remaining, _START_POLL_S)
                timer = loop.call_later(wait_s, watch)
                return
            self.gate.abandon(invocation)
            log.warning("%s timed out after %.1f s; its thread is abandoned", function.name, function.timeout_s)
            outcome.set_result(TimedOut(after_s=time.monotonic() - invocation.submitted))

        watch()
        # Last before waiting: the worker needs the GIL, which this thread holds until the loop waits again.
        self._executor.submit(run)
        try:
            return await outcome
        finally:
            if timer is not None:
                timer.cancel()

    def close(self) -> None:
        """Stop taking work and give back what was changed in the process: the environment, the function modules,
        the layer folders this runtime put on sys.path and what was imported from them. Abandoned handler threads
        finish on their own."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.gate.close()
        with self._lock:
            self._unload_functions(self.functions.values())
            self._namespaces.restore()
            for folder in self._added_paths:
                sys.path.remove(str(folder))
                _unload_modules_under(folder)
            self._folder_events.close()

    @property
    def running(self) -> int:
        """How many handlers are running now (including abandoned ones that have not finished)."""
        return self._running

    def _run(self, function: LambdaFunction, event: Any, invocation: Invocation) -> Outcome:
        try:
            self.gate.enter(function.environment, invocation)
        except AbandonedError:
            return TimedOut(after_s=time.monotonic() - invocation.submitted)
        with self._lock_running:
            self._running += 1
        try:
            handler = self._handler(function)
            with self._one_at_a_time:
                invocation.started = time.monotonic()
                context = LambdaContext(function, invocation.request_id, invocation.started + function.timeout_s)
                if self.on_report is None:
                    return Returned(handler(event, context))
                started = time.perf_counter()
                try:
                    value = handler(event, context)
                finally:
                    self.on_report(Report(function.name, invocation.request_id, time.perf_counter() - started))
                return Returned(value)
        except (Exception, SystemExit) as error:
            return Raised(error, traceback.format_exc())
        finally:
            self.gate.leave(invocation)
            with self._lock_running:
                self._running -= 1

    def _handler(self, function: LambdaFunction) -> Handler:
        with self._lock:
            if self._hot_reload:
                self._forget_edited_code(function)
            handler = self._handlers.get(function.logical_id)
            if handler is None:
                handler = self._handlers[function.logical_id] = self._import(function)
            return handler

    def _import(self, function: LambdaFunction) -> Handler:
        name = self._module_names[function.logical_id]
        spec = importlib.util.spec_from_file_location(name, function.module_file)
        if spec is None or spec.loader is None:
            raise ImportError(f"{function.name}: cannot load {function.module_file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses and pydantic look their module up here
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        handler: Handler = getattr(module, function.handler_name)
        return handler

    def _forget_edited_code(self, function: LambdaFunction) -> None:
        """Drop what was edited since the last look. Only the layer and the called function's folder are looked
        at: another function's edits are noticed when it is called (a full sweep of every folder per request
        cost more than a millisecond). inotify is read once for all of them (a system call per watch otherwise)."""
        self._folder_events.collect()
        layer_edits = [(w.root, w.changed(collected=True)) for w in self._layer_watches]
        code_edits = [(function.code_dir, self._code_watches[function.code_dir].changed(collected=True))]
        edited = {path for _, paths in (*layer_edits, *code_edits) for path in paths}
        if not edited:
            return
        _drop_stale_bytecode(edited)
        importlib.invalidate_caches()
        for folder, paths in layer_edits:
            if paths:
                log.info("layer %s changed: reloading it and every function", folder)
                _unload_modules_under(folder)
                self._namespaces.forget()
                self._unload_functions(self.functions.values())
        for folder, paths in code_edits:
            if paths:
                log.info("%s changed: reloading its function", folder)
                self._unload_functions(f for f in self.functions.values() if f.code_dir == folder)

    def _unload_functions(self, functions: Iterable[LambdaFunction]) -> None:
        for function in functions:
            self._handlers.pop(function.logical_id, None)
            sys.modules.pop(self._module_names[function.logical_id], None)


def _settle(outcome: asyncio.Future[Outcome], result: Outcome) -> None:
    if not outcome.done():  # an abandoned invocation's future may have been given up on already
        outcome.set_result(result)


def _unload_modules_under(folder: Path) -> None:
    prefix = str(folder) + os.sep
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(prefix):
            del sys.modules[name]


def _drop_stale_bytecode(paths: set[str]) -> None:
    """Delete the cached bytecode of edited sources: it is keyed by whole-second mtime and size, so an edit within
    the same second that keeps the size would otherwise run the old code."""
    for path in paths:
        if path.endswith(".py"):
            Path(importlib.util.cache_from_source(path)).unlink(missing_ok=True)
