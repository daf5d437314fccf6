"""Pydantic input schemas, shared by the web forms, the API, the bot and MCP."""
