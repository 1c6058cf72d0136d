"""Stage 7, audits: papers and templates in, accessibility and template problems out (``check``)."""
