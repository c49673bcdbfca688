"""The data model: plain Python and pydantic, no UI imports."""
