"""`python -m audit` is now `huitong audit` (kept for one release): it says so, then runs it."""
import sys

from cli import main

print("note: 'python -m audit' is now 'huitong audit' (.venv/bin/huitong, installed by 'make install'); "
      "this entry point goes in the next release", file=sys.stderr)
sys.argv = ["huitong", "audit", *sys.argv[1:]]
main()
