"""One page in the browser, every step under the page's deadline.

load (to the `load` event, or as far as it gets in its share of the time) -> hold: page time runs
SETTLE_MS, the visitor moves the mouse, scrolls and presses a key, page time runs HOLD_MS more ->
read what was stored before any consent -> accept all -> page time runs AFTER_MS -> read again.
Page time is virtual (DevTools `Emulation.setVirtualTimePolicy`, native, out of the page's reach):
timers fire in order as if that time had passed, in tens of milliseconds of real time, so a
tracker added after 900 ms, 20 s or on `mousemove` is seen, and the hold costs almost nothing.

A step that does not finish in time means the page is busy (a loop after load, or in the consent
manager's accept function) or loads too much: its JavaScript is stopped
(`Runtime.terminateExecution`) and disabled, what it stored is read if it was not yet (all within
SALVAGE_S more), and the page is a note. A crash likewise. What it did until then is kept; the
context is closed in every case, within CLOSE_S: a page costs at most its timeout + SALVAGE_S +
CLOSE_S.
"""

from __future__ import annotations

import asyncio

from privacylint.browser import accept, instrument
from privacylint.browser.options import BrowserOptions, Observed
from privacylint.browser.probe import Probe, Stored
from privacylint.browser.serve import Build, Router, origin
from privacylint.printable import printable

SETTLE_MS = 3_000  # page time after load, before the visitor moves
HOLD_MS = 30_000  # page time after the input events, before accepting: what loads by then is before consent
AFTER_MS = 5_000  # page time after accepting
TYPED_MS = 3_000  # page time after typing into a form (debounced senders fire)
_KEYED = 3  # the last characters typed key by key
_DISPATCH_S = 0.1  # real time for input events (and an accepted consent) to be dispatched
_TIME_S = 3.0  # real time a stretch of page time may take; a page starving it is held no longer
_INPUT_S = 2.0  # real time the input events may take
# The same input, dispatched in the page (an isolated world): for a page that takes no real input.
_SYNTHETIC_INPUT = """(() => {
  const at = {clientX: 240, clientY: 180, bubbles: true};
  const target = document.elementFromPoint(240, 180) || document.body || document.documentElement;
  target.dispatchEvent(new MouseEvent("mousemove", at));
  window.scrollBy(0, 600);
  for (const type of ["keydown", "keyup"])
    (document.activeElement || document.body || document.documentElement).dispatchEvent(
      new KeyboardEvent(type, {key: "Shift", code: "ShiftLeft", bubbles: true}));
  return true;
})()"""
SALVAGE_S = 3.0  # real time, after the page's own, to stop a busy page and read what it stored
CLOSE_S = 5.0
MAX_FRAMES = 200  # frames a page may create; one that creates more floods the browser and is stopped


class StepTimeout(Exception):
    def __init__(self, step: str):
        super().__init__(step)
        self.step = step


class PageStopped(Exception):
    """The page was given up on at once (it floods the browser): what it did until then stays."""


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = asyncio.get_running_loop().time() + seconds
        self.stopped = asyncio.Event()
        self.why = ""
        self.parent: Deadline | None = None

    def left(self) -> float:
        return self.end - asyncio.get_running_loop().time()

    def share(self, seconds: float) -> Deadline:
        """A deadline for part of the page's time, stopped with it."""
        part = Deadline(min(seconds, self.left()))
        part.stopped, part.parent = self.stopped, self
        return part

    def stop(self, why: str) -> None:
        if not self.stopped.is_set():
            self.why = why
            self.stopped.set()

    async def run(self, step: str, awaitable, at_most: float | None = None):
        """`awaitable`, cancelled as `step` when the page's time (or `at_most`) is up, or at once
        when the page is stopped."""
        left = self.left() if at_most is None else min(self.left(), at_most)
        if left <= 0 or self.stopped.is_set():
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            self._raise(step)
        work, stop = asyncio.ensure_future(awaitable), asyncio.ensure_future(self.stopped.wait())
        try:
            await asyncio.wait({work, stop}, timeout=left, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            if not work.done():
                work.cancel()
        if work.done() and not work.cancelled():
            return work.result()
        self._raise(step)

    def _raise(self, step: str):
        if self.stopped.is_set():
            raise PageStopped(self.parent.why if self.parent else self.why)
        raise StepTimeout(step)


async def quietly(awaitable, seconds: float):
    """An action that may fail or hang on a dead or busy page, bounded; None if it did not work."""
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except Exception:  # noqa: BLE001 - best effort: the page is being given up on
        return None


async def observe_page(browser, build: Build, seen: Observed, options: BrowserOptions,
                       records: dict[str, list[str]]) -> None:
    """Load one page in a fresh context and fill `seen`."""
    deadline = Deadline(options.timeout)
    context = None
    try:
        context = await deadline.run("opening a browser context", browser.new_context(
            service_workers="block", ignore_https_errors=True))
        run = PageRun(context, build, seen, options, deadline, records)
        await run.start()
        await run.observe()
    except StepTimeout as stopped:
        seen.error = f"{stopped.step} did not finish within the page's {options.timeout:g} s"
    except PageStopped as stopped:
        seen.error = str(stopped)
    except Exception as err:  # noqa: BLE001 - a browser that fails on one page: a note, the others go on
        seen.error = f"the browser failed on it ({words(err)})"
    finally:
        if context is not None:
            await quietly(context.close(), CLOSE_S)


def words(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return printable(text[0][:200] if text else type(err).__name__)


class PageRun:
    """One page in its own context under its deadline: routed, instrumented, loaded, held with
    input events, storage read, then "accept all" and what that added."""

    def __init__(self, context, build: Build, seen: Observed, options: BrowserOptions, deadline: Deadline,
                 records: dict[str, list[str]]):
        self.context = context
        self.seen = seen
        self.options = options
        self.deadline = deadline
        self.records = records  # consent manager -> its consent records, from the catalogue
        self.router = Router(build, seen.url, options, seen)
        self.before, self.after = Stored(), Stored()
        self.crashed = self.reached_load = False
        self.main_frame, self.frames = None, 0
        self.stopped: set[str] = set()  # frames that stopped loading
        self.loading = asyncio.Event()

    async def start(self) -> None:
        context, seen = self.context, self.seen
        await self.deadline.run("routing its requests", context.route("**/*", self.router.handle))
        await self.deadline.run("instrumenting it", context.add_init_script(instrument.INIT_SCRIPT))
        self.tab = tab = await self.deadline.run("opening a tab", context.new_page())
        self.router.tab = tab
        tab.on("crash", lambda _: setattr(self, "crashed", True))
        self.cdp = await self.deadline.run("attaching DevTools", context.new_cdp_session(tab))
        self.probe = Probe(context, self.cdp, seen)
        own = origin(seen.url)

        def on_request(params: dict) -> None:
            initiator = params.get("initiator") or {}
            frames = (initiator.get("stack") or {}).get("callFrames") or []
            script = next((f.get("url") for f in frames if f.get("url")), None) or initiator.get("url")
            url = (params.get("request") or {}).get("url")
            if isinstance(script, str) and isinstance(url, str) and len(seen.initiators) < 2000:
                seen.initiators.setdefault(url[:2000], script[:2000])

        def on_socket(kind: str):
            def record(params: dict) -> None:
                url = params.get("url")
                if isinstance(url, str) and origin(url.replace("ws", "http", 1)) != own:
                    seen.contact(url, kind)
            return record

        def on_frame(params: dict) -> None:
            self.frames += 1
            if self.frames > MAX_FRAMES:
                self.deadline.stop(f"it creates more than {MAX_FRAMES} frames: the browser stopped it there")

        def on_stopped(params: dict) -> None:
            self.stopped.add(params.get("frameId"))
            self.loading.set()

        self.cdp.on("Page.frameStoppedLoading", on_stopped)
        self.cdp.on("Page.frameAttached", on_frame)
        self.cdp.on("Network.requestWillBeSent", on_request)
        self.cdp.on("Network.webSocketCreated", on_socket("websocket"))
        self.cdp.on("Network.webTransportCreated", on_socket("webtransport"))
        await self.deadline.run("attaching DevTools", self.cdp.send(
            "Network.enable", {"maxTotalBufferSize": 1_000_000, "maxResourceBufferSize": 100_000}))
        await self.deadline.run("attaching DevTools", self.cdp.send("Page.enable"))
        self.cdp.on("Runtime.bindingCalled", self._on_report)
        await self.deadline.run("instrumenting it", self.cdp.send("Runtime.enable"))  # a binding needs it
        await self.deadline.run("instrumenting it", self.cdp.send("Runtime.addBinding", {"name": instrument.BINDING}))

    def _on_report(self, params: dict) -> None:
        """A report of the init script (instrument): what a script did, and where."""
        if params.get("name") != instrument.BINDING or not isinstance(params.get("payload"), str):
            return
        report = instrument.parse(params["payload"])
        if report is not None:
            self.seen.behave(*report)

    async def observe(self) -> None:
        try:
            await self.load()
            await self.hold()
            await self.type_canary()
            present = await self.managers(act=False)
            await self.read(self.before, self._wanted(present))
            await self.accept_all(present)
            self.seen.complete = self.reached_load and not self.crashed
        except StepTimeout as stopped:
            self.stop(f"{stopped.step} did not finish within the page's {self.options.timeout:g} s (its "
                      "JavaScript kept the page busy, or it loads too much)")
            await self.salvage()
        except PageStopped as stopped:
            self.stop(str(stopped))
            await self.salvage()
        except Exception as err:  # noqa: BLE001 - a crash, a closed target: what was seen stays
            self.stop("it crashed" if self.crashed else f"the browser failed on it ({words(err)})")
            await self.salvage()
        finally:
            self.record()

    def stop(self, why: str) -> None:
        if self.seen.error is None:
            self.seen.error = why + "; what it did until then is kept"

    async def load(self) -> None:
        """Navigate, then wait until the page stopped loading (its `load` event, or the end of
        its loading without one: a page that navigates while it is parsed never fires `load`)."""
        share = self.deadline.share(self.options.timeout * 0.5)
        try:
            await share.run("loading it", self.tab.goto(self.seen.url, wait_until="commit", timeout=0))
            tree = await share.run("loading it", self.cdp.send("Page.getFrameTree"))
            self.main_frame = tree["frameTree"]["frame"]["id"]
            while self.main_frame not in self.stopped:
                self.loading.clear()
                await share.run("loading it", self.loading.wait())
            self.reached_load = True
        except StepTimeout:
            if self.deadline.left() <= 0:
                raise  # else observed as far as it got: the notes say so (record)

    async def hold(self) -> None:
        await self.advance(SETTLE_MS)
        await self.visitor()
        await asyncio.sleep(_DISPATCH_S)
        await self.advance(HOLD_MS)

    async def type_canary(self) -> None:
        """The visitor types into a form field and does not submit; a request that carries what
        was typed is recorded as input sent before submit (instrument)."""
        focused = await self.deadline.run("typing into a form", self.probe.evaluate(instrument.FOCUS_FIELD,
                                                                                    self._left_ms()))
        if focused is not True:
            return
        self.router.watch()
        await self.deadline.run("typing into a form", self._type(instrument.CANARY), at_most=_INPUT_S)
        await asyncio.sleep(_DISPATCH_S)
        await self.advance(TYPED_MS)
        for url, body in self.router.sent or ():
            how = instrument.canary_in(url, body)
            if how:
                self.seen.behave("input-sent", f"typed text sent to {url[:120]} before submit ({how})",
                                 self.seen.initiators.get(url) or _listening(self.seen), 0)

    async def _type(self, text: str) -> None:
        """All but the last keys at once (one `input` event), the last ones key by key (`keydown`,
        `keyup`): a listener on either sees the whole text, in a few events whatever it sends."""
        await self.cdp.send("Input.insertText", {"text": text[:-_KEYED]})
        for char in text[-_KEYED:]:
            await self.cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": char, "text": char})
            await self.cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": char})

    async def visitor(self) -> None:
        """The visitor moves the mouse, scrolls and presses a key. A page the browser has not
        painted (one that navigated while it was parsed) takes no input: then the same events are
        dispatched in the page, unless it does not answer at all (busy)."""
        try:
            await self.deadline.run("moving the mouse over it", self._input(), at_most=_INPUT_S)
        except StepTimeout:
            if not await self.probe.answers(max(0.1, self.deadline.left())):
                raise
            await self.deadline.run("moving the mouse over it", self.probe.evaluate(_SYNTHETIC_INPUT, self._left_ms()))

    async def _input(self) -> None:
        for x, y in ((120, 90), (240, 180), (360, 270)):
            await self.cdp.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        await self.cdp.send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": 360, "y": 270,
                                                         "deltaX": 0, "deltaY": 600})
        for kind in ("rawKeyDown", "keyUp"):
            await self.cdp.send("Input.dispatchKeyEvent", {"type": kind, "key": "Shift", "code": "ShiftLeft",
                                                           "windowsVirtualKeyCode": 16})

    async def advance(self, ms: int) -> None:
        """Let `ms` of page time pass (virtual time; it waits for the build's files in flight)."""
        expired = asyncio.get_running_loop().create_future()
        self.cdp.once("Emulation.virtualTimeBudgetExpired", lambda _: expired.done() or expired.set_result(None))
        await self.deadline.run("running its timers", self.cdp.send("Emulation.setVirtualTimePolicy", {
            "policy": "pauseIfNetworkFetchesPending", "budget": ms, "maxVirtualTimeTaskStarvationCount": 1000}))
        try:
            await self.deadline.run("running its timers", expired, at_most=_TIME_S)
        except StepTimeout:
            if self.deadline.left() <= 0:
                raise  # else page time is starved (files in flight): held long enough, the next step tells

    async def read(self, into: Stored, wanted: list[str]) -> None:
        into.cookies = await self.deadline.run("reading its cookies", self.probe.cookies())
        await self.deadline.run("reading its storage", self.probe.storage(into, wanted, self._left_ms()))

    def _left_ms(self) -> int:
        return int(max(0.1, self.deadline.left()) * 1000)

    async def managers(self, act: bool) -> list[tuple[str, list[str], str]]:
        """The consent managers on the page (act: and "accept all" through each), checked."""
        step = "accepting all through its consent manager" if act else "looking for a consent manager"
        answer = await self.deadline.run(step, self.cdp.send("Runtime.evaluate", {
            "expression": accept.script(act), "returnByValue": True, "timeout": self._left_ms()}))
        details = answer.get("exceptionDetails")
        if details:  # the script catches every error of the page's: only running out of time gets here
            if "terminated" in str(details):
                raise StepTimeout(step)
            return []
        return accept.managers((answer.get("result") or {}).get("value"))

    def _wanted(self, present) -> list[str]:
        return sorted({n for name, records, _ in present for n in records + self.records.get(name.split()[0], [])})

    async def accept_all(self, present) -> None:
        seen = self.seen
        if not present:
            seen.accept = "not run: no consent manager's API on the page"
            return
        mark = len(seen.requests)
        acted = await self.managers(act=True)
        self.router.may_reload = True  # consent managers reload the page to apply a choice
        await asyncio.sleep(_DISPATCH_S)
        await self.advance(AFTER_MS)
        await self.read(self.after, self._wanted(acted))
        results = []
        for name, records, error in acted:
            names = records + self.records.get(name.split()[0], [])
            counted, said = accept.verdict(name, error, self.before.records(names), self.after.records(names))
            results.append(said)
            if counted and not seen.accepted_by:
                seen.accepted(name, mark)
            elif counted:
                seen.accepted_by.append(name)
        seen.accept = "; ".join(results) or "not run: the consent manager disappeared"

    async def salvage(self) -> None:
        """Stop the page's JavaScript, then read what it stored if that was not read yet: at
        most SALVAGE_S more, whatever the page does."""
        await quietly(self._salvage(), SALVAGE_S)

    async def _salvage(self) -> None:
        if not self.crashed:
            await quietly(self.cdp.send("Runtime.terminateExecution"), 0.5)
            await quietly(self.cdp.send("Emulation.setScriptExecutionDisabled", {"value": True}), 0.5)
        if not self.before.cookies:
            await quietly(self._cookies(self.before), 1)
        if not self.before.read and not self.crashed:
            await quietly(self.probe.storage(self.before, [], 1000), 1.5)

    async def _cookies(self, into: Stored) -> None:
        into.cookies = await self.probe.cookies()

    def record(self) -> None:
        seen, before, after = self.seen, self.before, self.after
        if not self.reached_load and seen.error is None:
            seen.note(f"it did not finish loading within {self.options.timeout * 0.5:g} s: observed as far as it got")
        seen.cookies, seen.local, seen.session = sorted(before.cookies), before.local, before.session
        if seen.accepted_by:
            seen.cookies_after, seen.local_after = sorted(after.cookies), after.local


def _listening(seen: Observed) -> str:
    """The scripts (and lines) that listen to typed input: who sent it, when the browser does not
    say which script made the request."""
    return ", ".join(dict.fromkeys(f"{script}:{line}" for kind, _, script, line in seen.behaviours
                                   if kind == "input-listener" and script)) or ""
