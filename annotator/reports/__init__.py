"""Read-only reports over annotation files: statistics and audit-trail timelines."""
