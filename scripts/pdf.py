"""`make pdf`: the whole book as one PDF, printed from a single-page HTML build by Chromium."""

import shutil

from ldnreview import paths, site

single = site.build(builder="singlehtml")
# The single page lives at book/index.html but Sphinx writes its images relative to the site root.
for folder in ("_images", "_static"):
    shutil.copytree(single / folder, single / "book" / folder, dirs_exist_ok=True)
out = paths.root() / "_build" / "pdf" / "ldn-evidence-book.pdf"
with site.serve(single) as base:
    site.print_pdf(f"{base}/book/index.html", out)
print(f"wrote {out.relative_to(paths.root())}: {site.pdf_page_count(out)} pages")
