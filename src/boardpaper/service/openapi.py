"""The OpenAPI 3.1 description of the service: a ``ServiceConfig`` in, a JSON-ready dict out."""

from __future__ import annotations

from typing import Any

from boardpaper import __version__
from boardpaper.service.config import MEDIA_TYPES, PROBLEM_JSON, ServiceConfig


def openapi_document(config: ServiceConfig) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the API."""
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    problem_response = {"content": {PROBLEM_JSON: {"schema": problem_ref}}}
    report_body = {
        "required": True,
        "description": f"A report in YAML, at most {config.max_body_bytes:,} bytes.",
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
    errors = {
        "401": {"description": "A token is required and was missing or wrong", **problem_response},
        "413": {"description": "The body is over the size limit", **problem_response},
        "415": {"description": "Not YAML or a multipart upload", **problem_response},
    }
    security: list[dict[str, list[str]]] = [{"bearer": []}] if config.token else []
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "boardpaper",
            "version": __version__,
            "description": "Render council report YAML into committee papers, and validate it.",
        },
        "security": security,
        "paths": {
            "/api/v1/papers": {
                "post": {
                    "summary": "Render a report into a paper",
                    "parameters": [
                        {
                            "name": "format",
                            "in": "query",
                            "schema": {"enum": ["pdf", "docx", "zip"], "default": "pdf"},
                            "description": "zip holds both the PDF and the .docx",
                        }
                    ],
                    "requestBody": report_body,
                    "responses": {
                        "200": {
                            "description": "The paper",
                            "content": {
                                media: {"schema": {"type": "string", "format": "binary"}}
                                for media in MEDIA_TYPES.values()
                            },
                        },
                        "400": {"description": "Unknown format or bad upload", **problem_response},
                        **errors,
                        "422": {
                            "description": "The report has problems (see 'problems')",
                            **problem_response,
                        },
                        "503": {
                            "description": "Saturated: try again after Retry-After seconds",
                            **problem_response,
                        },
                        "504": {"description": "The render took too long", **problem_response},
                    },
                }
            },
            "/api/v1/validate": {
                "post": {
                    "summary": "Check a report; returns its located problems and warnings",
                    "requestBody": report_body,
                    "responses": {
                        "200": {
                            "description": "valid, the problems (empty when valid) and warnings",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "valid": {"type": "boolean"},
                                            "problems": {
                                                "type": "array",
                                                "maxItems": 200,
                                                "items": {
                                                    "$ref": "#/components/schemas/LocatedProblem"
                                                },
                                            },
                                            "problem_count": {"type": "integer"},
                                            "truncated": {"type": "boolean"},
                                            "warnings": {
                                                "description": "Starter placeholders left in"
                                                " (check and pack refuse them) and characters"
                                                " no installed font can draw (the paper still"
                                                " builds)",
                                                "type": "array",
                                                "items": {
                                                    "$ref": "#/components/schemas/LocatedProblem"
                                                },
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        **errors,
                    },
                }
            },
            "/api/v1/templates": {
                "get": {
                    "summary": "The installed templates, their fields and required sections",
                    "responses": {"200": {"description": "The templates"}, "401": errors["401"]},
                }
            },
            "/api/v1/templates/{name}/starter": {
                "get": {
                    "summary": "A starter report (YAML) for a template",
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {"description": "YAML", "content": {"application/yaml": {}}},
                        "404": {"description": "No such template", **problem_response},
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness and worker counts",
                    "security": [],
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Problem": {
                    "type": "object",
                    "description": "RFC 9457 problem details",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "instance": {"type": "string"},
                        "problems": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/LocatedProblem"},
                        },
                    },
                },
                "LocatedProblem": {
                    "type": "object",
                    "properties": {
                        "path": {"type": "string"},
                        "line": {"type": ["integer", "null"]},
                        "column": {"type": ["integer", "null"]},
                        "key": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            },
        },
    }
