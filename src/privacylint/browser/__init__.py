"""`--browser`: pages of the build loaded in Chromium (driven by Playwright), at their real URL,
with what they do recorded as observed facts. The pipeline, one module per step:

1. `sample`: which pages (homepage, statement, one page per layout, filled up to N).
2. `launch`: one offline Chromium for the run, pages a few at a time, under a run deadline.
3. `serve`: per page, the build answers the site's own origin (capped like static reading);
   every other request, WebSocket and WebTransport is recorded and aborted; the page cannot
   navigate away.
4. `page`: one page: load, hold (page time advanced, input events), read; every step under the
   page's deadline, a busy page stopped, what was seen before a failure kept.
5. `probe`: cookies and storage read outside the page's reach (an isolated world), capped.
6. `accept`: "accept all" through the page's consent manager, counted only when it wrote its
   consent record.
7. `apply`: what was observed folded into the site's facts, with notes and the inventory.
8. `reconcile`: static and observed verdicts side by side, for PL102 and PL202.
`har` reads a HAR file into the same observations.

Playwright is an optional extra (`pip install privacylint[browser]`); only `launch` and `page`
import it, when a run asks for the browser.
"""
