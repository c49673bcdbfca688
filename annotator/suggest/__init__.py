"""Suggestions: candidate spans from rules and models, for a person to accept or reject.

A suggester (`base`) reads documents and proposes spans: the built-ins
(`builtin`: quotes, numbers, hedges), a spaCy pipeline (`spacy_pipeline`),
any command that speaks JSON Lines (`command`), or a Python package's entry
point (`plugins`). `run` runs them over documents, fits what they find to the
project's tag set and stores it, all or nothing, one annotation file per
suggester and document under `suggestions/` (`store`). `pending` works out,
from an annotator's own file, which suggestions are accepted, rejected,
marked already or still pending, with the review's candidate machinery
(annotator.review.adjudication), so the UI settles them with the review's keys.

Layer: imports the model, storage, validation and review; never Textual, the
editor or the UI (contract `no-ui`).
"""
