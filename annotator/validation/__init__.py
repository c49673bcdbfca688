"""Validation of annotation files: schema, document, span and audit-trail rules."""
