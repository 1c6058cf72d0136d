"""Stage 5, provenance: rendered papers in, ``manifest.json`` out; ``verify`` compares."""
