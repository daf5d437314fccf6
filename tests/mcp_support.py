"""Helpers for MCP tests: tokens, the app served on 127.0.0.1 in a thread, and the `mcp` SDK's own client."""
import asyncio
from concurrent.futures import ThreadPoolExecutor
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from werkzeug.serving import make_server

from app.schemas.accounts import TokenCreate
from app.services import tokens
from app.tenancy import tenant_context
from tests.serving import serve_in_thread

TOOLS = {"search_contacts", "get_contact", "create_contact", "update_contact", "delete_contact", "log_activity",
         "list_my_tasks", "complete_task", "create_deal", "move_deal_stage"}


def make_token(app, tenant_id, user_id, name: str = "assistant") -> str:
    """A personal access token of the user, as its profile page would make it."""
    with app.app_context(), tenant_context(tenant_id, channel="web", user_id=user_id) as ctx:
        return tokens.create_token(ctx, data=TokenCreate(name=name))[1]


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve the whole app (Flask and /mcp) on a free loopback port; yields the MCP endpoint's URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = serve_in_thread(server)
    try:
        yield f"http://127.0.0.1:{server.server_port}/mcp"
    finally:
        server.shutdown()
        thread.join(10)


@asynccontextmanager
async def http_session(url: str, secret: str) -> AsyncIterator[ClientSession]:
    """An initialised MCP client session over streamable HTTP with the token as its Bearer."""
    async with (httpx2.AsyncClient(headers={"Authorization": f"Bearer {secret}"}, timeout=30) as http,
                streamable_http_client(url, http_client=http) as (read, write),
                ClientSession(read, write) as session):
        await session.initialize()
        yield session


def run_async(coroutine):
    """Run a coroutine to its end in a thread of its own (the browser tests' Playwright keeps a loop running here)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def call(url: str, secret: str, tool: str, arguments: dict | None = None):
    """One tool call in a session of its own; the CallToolResult."""
    async def run():
        async with http_session(url, secret) as session:
            return await session.call_tool(tool, arguments or {})
    return run_async(run())


def text_of(result) -> str:
    """All the text a tool result carries (its message, or its JSON)."""
    return " ".join(block.text for block in result.content if getattr(block, "text", None))
