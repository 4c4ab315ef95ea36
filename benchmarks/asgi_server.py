"""Runs an ASGI app under uvicorn in a background thread, on a free loopback port."""
from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn


class ThreadedServer:
    """`config` goes to uvicorn: ssl_certfile and ssl_keyfile serve HTTPS; forwarded_allow_ips says whose
    X-Forwarded-For uvicorn believes, as `huitong serve` sets it (absent: uvicorn's own default, loopback)."""

    def __init__(self, app: Any, **config: Any) -> None:
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                     lifespan="on", **config))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    @property
    def url(self) -> str:
        port = self._server.servers[0].sockets[0].getsockname()[1]
        scheme = "https" if self._server.config.is_ssl else "http"
        return f"{scheme}://127.0.0.1:{port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(15)
