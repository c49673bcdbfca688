"""Re-anchoring: carry spans from the text they were made on to the document's new text.

News articles are corrected after publication. A span is pinned to code-point
offsets of the text it was made on; when the text changes, this package finds
where each span belongs in the new text, exactly where the text allows:

- `text_quote`: what a file keeps to find a span again without the old text,
  the W3C TextQuoteSelector's exact text with a prefix and suffix of context;
- `offset_map`: with the old text, a character diff (diff-match-patch) maps
  old offsets to new ones; a span that no edit touched moves by the exact
  offset delta and keeps its text;
- `matching`: without it (or for a span an edit touched), the span is looked
  for by its text and context, the way Hypothesis re-anchors web
  annotations: exact text at the expected place, then exact text elsewhere,
  then a fuzzy match (rapidfuzz), each scored on text, context and position;
- `outcome`: each span is then moved (same text, new offsets), changed (the
  edit touched it: re-anchored to the best match, old and new text kept, to
  be reviewed) or orphaned (no acceptable match: kept aside with its old
  text and offsets, never dropped).

Layer: imports nothing of the app but itself (and the two libraries): it
works on strings. Files, git and the terminal are its callers'.
"""
