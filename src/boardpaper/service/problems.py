"""RFC 9457 problem details: status, title, detail in, an application/problem+json response out."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from boardpaper.service.config import PROBLEM_JSON


class ProblemResponse(JSONResponse):
    """An RFC 9457 problem details document."""

    media_type = PROBLEM_JSON


def problem(
    status: int,
    title: str,
    detail: str,
    kind: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> ProblemResponse:
    """Build a problem-details response: ``kind`` names the problem type."""
    body = {"type": f"urn:boardpaper:problem:{kind}", "title": title, "status": status}
    body["detail"] = detail
    body.update(extra)
    return ProblemResponse(body, status_code=status, headers=headers)


class RequestError(Exception):
    """Raised inside a handler to answer with a problem-details response (see ``problem``)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        kind: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(detail)
        self.args_for_problem = (status, title, detail, kind, headers)
        self.extra = extra
