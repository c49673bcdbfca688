"""Comparing and reconciling annotators' work: agreement metrics, the corpus they use, adjudication."""
