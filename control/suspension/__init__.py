"""Suspending a calling system or a whole department (regulation rule 16), on every worker at once."""
