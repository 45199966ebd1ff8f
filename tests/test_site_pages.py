"""The other half of the browser pass (see sitecheck.py), so the second xdist worker shares it."""

from sitecheck import DOCS, page_tests

globals().update(page_tests(DOCS[1::2]))
