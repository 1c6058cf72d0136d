"""Stage 1, reading: files in, located YAML nodes (or problems) out."""
