"""The data model: plain Python and pydantic.

Layer: the bottom. Imports nothing of the app (not even storage or config)
and no UI (contract `model`).
"""
