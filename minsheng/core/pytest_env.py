"""Loaded with `-p` before Django reads its settings: the test client and the live server
speak plain http, so the https-only defaults are turned off for the test run only."""

import os

os.environ.setdefault("HTTPS", "0")
