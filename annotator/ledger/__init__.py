"""The quote ledger: who said what, and how each outlet quoted it.

`annotator quotes` gathers the quote spans of every document (its gold file,
else a chosen annotator's), finds the person behind each speaker name
(speakers.py), groups the quotes of one person that render the same
utterance across documents (grouping.py, by a word-level alignment in
alignment.py), and shows what differs between the versions: words added,
dropped or changed, and, as a quieter kind, punctuation and sentence breaks.
It flags what an editor wants to see first (see model.FlagKind).

    words.py      a quote's words, normalised for comparison
    speakers.py   speaker names to persons (titles, initials, surnames, aliases)
    gathering.py  quote spans from annotation files, joined across an attribution
    alignment.py  word-level similarity and differences (rapidfuzz)
    grouping.py   quotes into utterances; flags
    model.py      the records: Quote, Comparison, Utterance, Person, Ledger
    build.py      files to a Ledger in one call (`ledger_of`)
    render/       table, JSON and a self-contained HTML page

Layer: above review (whose rule says which file is gold), below the UI;
imports the model, storage and config, never Textual, the editor or the UI
(contract `no-ui`). The app and the CLI both build a Ledger with
`build.ledger_of`.
"""
