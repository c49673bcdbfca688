"""Import and export: other tools' formats, with explicit offset conversion. No UI imports."""
