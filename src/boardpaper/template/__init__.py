"""Stage 2, templates: template folders in, checked manifests and starter reports out."""
