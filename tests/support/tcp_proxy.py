"""A TCP forwarder in front of a real server, so a test can cut or stall a department's link.

Stopping the real PostgreSQL or MariaDB would take them from every other test; cutting the
link between Huitong and the server is what a department outage looks like from Huitong.
"""
from __future__ import annotations

import asyncio
import threading


class TcpProxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.mode = "forward"  # forward | refuse | stall
        self.connections = 0  # every connection accepted, refused ones included
        self._refuse_left = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> TcpProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)
        return self

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def set_mode(self, mode: str) -> None:
        """'refuse' and 'stall' also cut every open connection, as an outage would."""
        self.mode = mode
        if mode != "forward":
            asyncio.run_coroutine_threadsafe(self._cut_all(), self._loop).result(10)

    def refuse_next(self, count: int) -> None:
        """Refuse the next `count` connections, whatever the mode."""
        self._refuse_left = count

    def close(self) -> None:
        async def shutdown() -> None:
            await self._cut_all()
            if self._server is not None:
                self._server.close()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _cut_all(self) -> None:
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self.mode == "refuse" or self._refuse_left > 0:
            self._refuse_left = max(0, self._refuse_left - 1)
            writer.close()
            return
        self._writers.add(writer)
        if self.mode == "stall":
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.add(upstream_writer)
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                if self.mode != "forward":
                    break
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()
