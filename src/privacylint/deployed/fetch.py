"""One bounded HTTP GET, safe against a hostile server: the crawl's only way onto the network.

The standard library's http.client does the protocol; this module holds it to three bounds a
server cannot stretch:
- **a wall-clock deadline per response**: every read from the socket first checks the deadline
  and waits at most the time left, so a server that drips a byte every 0.2 s (no read ever times
  out) is cut off at the deadline, in the status line, the headers or the body alike;
- **a size cap**: a declared Content-Length over the cap is refused unread, and a body is read in
  pieces only up to the cap (compressed and decompressed alike), never whole into memory;
- **one way to fail**: every network, TLS, protocol or encoding error is a FetchError with a short
  reason in plain words (never the server's own text), for a PL001 finding at the URL.

The request line is built from the URL's printable ASCII only (anything else percent-encoded),
so no URL can add a header line; credentials are never read from the URL here (the caller
passes an Authorization value for the origin it trusts). Proxies from the environment
(http_proxy, https_proxy, no_proxy) are honoured as urllib does.
"""

from __future__ import annotations

import base64
import http.client
import io
import ssl
import time
import urllib.request
import zlib
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

_CHUNK = 65536
_ENCODINGS = {"gzip": 31, "x-gzip": 31, "deflate": 15}  # zlib wbits; raw deflate is tried too
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """Why a URL could not be read: `why` in plain words; `subject` the PL001 problem."""

    def __init__(self, why: str, subject: str = "unreadable"):
        super().__init__(why)
        self.why, self.subject = why, subject


class Overtime(FetchError):
    """The deadline passed while the response was still coming."""


@dataclass
class Response:
    url: str
    status: int
    headers: list[tuple[str, str]]  # as received, names lower-case
    body: bytes  # decoded (Content-Encoding undone), at most the cap

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k == name), "")

    @property
    def redirect(self) -> str | None:
        """The Location of a redirect, None for any other answer."""
        return self.header("location") if self.status in _REDIRECTS else None


def get(url: str, *, deadline: float, max_size: int, user_agent: str, authorization: str | None = None) -> Response:
    """GET `url` (absolute http or https, no credentials in it) before `deadline` (time.monotonic),
    its body at most `max_size` bytes. Raises FetchError, nothing else the server can cause."""
    started = time.monotonic()
    if deadline <= started:
        raise Overtime("the time limit ran out before it could be asked for")
    try:
        conn, target = _connect(url, deadline)
        try:
            headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate", "Connection": "close"}
            if authorization:
                headers["Authorization"] = authorization
            conn.request("GET", target, headers=headers)
            response = conn.getresponse()
            status, received = response.status, [(k.lower(), v) for k, v in response.getheaders()]
            body = _body(response, max_size)
        finally:
            conn.close()
        return Response(url, status, received, _decoded(body, _header(received, "content-encoding"), max_size))
    except FetchError:
        raise
    except TimeoutError:  # every wait is for the time left: a timeout is the deadline
        raise Overtime(f"it did not arrive whole within {deadline - started:.2g} seconds, the time allowed") from None
    except ssl.SSLCertVerificationError as err:
        raise FetchError(f"its TLS certificate does not verify ({err.verify_message})") from None
    except ssl.SSLError as err:
        raise FetchError(f"TLS failed ({err.reason or type(err).__name__})") from None
    except http.client.HTTPException as err:
        raise FetchError(_protocol_error(err)) from None
    except UnicodeError:
        raise FetchError("its address cannot be encoded for a request") from None
    except OSError as err:
        raise FetchError(f"could not be fetched: {(err.strerror or type(err).__name__).lower()}") from None
    except ValueError as err:  # a port out of range, a malformed address from a header
        raise FetchError(f"its address is not valid ({type(err).__name__})") from None


def _connect(url: str, deadline: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection whose reads keep to `deadline`, and the request target to send on it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("not an http or https URL")
    host, port = parts.hostname, parts.port  # ValueError on a bad port
    timeout = max(0.001, deadline - time.monotonic())
    target = request_target(parts.path or "/", parts.query)
    proxy = _proxy(parts.scheme, host)
    if parts.scheme == "https":
        context = ssl.create_default_context()
        if proxy:
            conn = http.client.HTTPSConnection(proxy[0], proxy[1], timeout=timeout, context=context)
            conn.set_tunnel(host, port, headers=proxy[2])
        else:
            conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    elif proxy:
        conn = http.client.HTTPConnection(proxy[0], proxy[1], timeout=timeout)
        authority = f"[{host}]" if ":" in host else host
        target = f"http://{authority}{f':{port}' if port else ''}{target}"
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.response_class = _timed_response(deadline)
    return conn, target


def request_target(path: str, query: str) -> str:
    """The path and query as sent: printable ASCII only, so nothing in a URL ends the request
    line or adds a header (CR, LF, NUL, spaces and non-ASCII are percent-encoded; escapes already
    there are kept as they are)."""
    return quote(path + (f"?{query}" if query else ""), safe=_PRINTABLE, errors="replace")


_PRINTABLE = "".join(chr(c) for c in range(0x21, 0x7F))


def _proxy(scheme: str, host: str) -> tuple[str, int, dict[str, str]] | None:
    """(host, port, CONNECT headers) of the environment's proxy for this URL, or None."""
    proxies = urllib.request.getproxies()
    if scheme not in proxies or urllib.request.proxy_bypass(host):
        return None
    proxy = urlsplit(proxies[scheme] if "://" in proxies[scheme] else f"http://{proxies[scheme]}")
    headers = {}
    if proxy.username:
        pair = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}".encode()
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    return proxy.hostname or "", proxy.port or 8080, headers


def _timed_response(deadline: float):
    """http.client's response class, reading through a socket file that keeps to `deadline`."""

    def make(sock, *args, **kwargs):
        return http.client.HTTPResponse(_TimedSocket(sock, deadline), *args, **kwargs)

    return make


class _TimedSocket:
    """What HTTPResponse needs of a socket (makefile), with every read bounded by the deadline."""

    def __init__(self, sock, deadline: float):
        self.sock, self.deadline = sock, deadline

    def makefile(self, mode: str, *args, **kwargs):
        return io.BufferedReader(_TimedReader(self.sock, self.deadline), _CHUNK)


class _TimedReader(io.RawIOBase):
    """The socket's own raw file (which keeps the socket open until it is closed, as http.client
    expects), with the socket's timeout set to the time left before each read."""

    def __init__(self, sock, deadline: float):
        super().__init__()
        self.sock, self.deadline = sock, deadline
        self.raw = sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline")
        self.sock.settimeout(left)
        return self.raw.readinto(buffer)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _body(response: http.client.HTTPResponse, max_size: int) -> bytes:
    """The body as sent (still encoded), refused once over `max_size`; a body shorter than its
    Content-Length, or with broken chunked framing, is an error."""
    lengths = {v.strip() for k, v in response.getheaders() if k.lower() == "content-length"}
    if len(lengths) > 1 and not response.chunked:
        raise FetchError("it declares two different Content-Length values (browsers refuse it)")
    expected = response.length
    if expected is not None and expected > max_size:
        raise _too_large(max_size, f"declares {expected:,} bytes")
    pieces, size = [], 0
    while True:
        piece = response.read1(_CHUNK)
        if not piece:
            break
        size += len(piece)
        if size > max_size:
            raise _too_large(max_size, "is longer")
        pieces.append(piece)
    if expected is not None and size < expected:
        raise FetchError(f"the response ended after {size:,} of the {expected:,} bytes it declared")
    return b"".join(pieces)


def _decoded(body: bytes, encoding: str, max_size: int) -> bytes:
    """Undo Content-Encoding (gzip, deflate; several in order), never past `max_size` bytes."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
    for coding in reversed(codings):
        if coding not in _ENCODINGS:
            raise FetchError(f"it is sent with Content-Encoding {coding[:40]!r}, which privacylint does not decode "
                             "(it asks for gzip or deflate)")
        body = _inflate(body, coding, max_size)
    return body


def _inflate(body: bytes, coding: str, max_size: int) -> bytes:
    wbits = [_ENCODINGS[coding]] + ([-15] if coding == "deflate" else [])  # zlib-wrapped, else raw (as browsers)
    for bits in wbits:
        inflater = zlib.decompressobj(bits)
        try:
            out = inflater.decompress(body, max_size + 1)
        except zlib.error:
            continue
        if len(out) > max_size:
            raise _too_large(max_size, "decompresses to more")
        if not inflater.eof:
            raise FetchError(f"its {coding} data is cut short")
        return out  # bytes after the end of the stream are ignored, as Chromium ignores them
    raise FetchError(f"it is sent {coding}-compressed but does not decompress")


def _too_large(max_size: int, how: str) -> FetchError:
    return FetchError(f"it {how} than the {max_size:,}-byte limit, so it was not read (raise the limit with "
                      "--max-file-size)", "too-large")


def _header(headers: list[tuple[str, str]], name: str) -> str:
    return ", ".join(v for k, v in headers if k == name)


def _protocol_error(err: http.client.HTTPException) -> str:
    """The reason in plain words; the server's own bytes (in the exception text) are left out."""
    if isinstance(err, http.client.IncompleteRead):
        return "the response ended early, or its chunked framing is broken"
    if isinstance(err, http.client.LineTooLong):
        return "a line of its headers is too long"
    if isinstance(err, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(err, (http.client.BadStatusLine, http.client.UnknownProtocol)):
        return "its answer is not HTTP/1.x"
    if "headers" in str(err):
        return "it sends too many headers"
    return f"its answer breaks HTTP ({type(err).__name__})"
