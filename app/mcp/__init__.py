"""The MCP server: Roost's services as tools for AI assistants (tools.py), over HTTP and stdio (transport.py)."""
