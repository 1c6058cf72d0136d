"""Publishing: validated meetings in, a static website of their public papers out.

``site.build_site`` makes every file (pages, papers, packs, feeds, data) as bytes;
``manifest`` records them for ``boardpaper verify``; the CLI writes them at once.
"""
