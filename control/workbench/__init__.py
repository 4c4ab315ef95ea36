"""The security officers' policy workbench: check, explain, diff and matrix over the engine's own decisions."""
