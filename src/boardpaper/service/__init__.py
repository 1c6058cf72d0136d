"""The HTTP service: report YAML in, papers and problems out, via a warm worker pool."""
