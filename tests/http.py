"""Reading test-client responses with their types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponseBase, StreamingHttpResponse

if TYPE_CHECKING:
    # What the test client returns: a response with `content`, `context` and `templates` added.
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

__all__ = ["TestResponse", "streamed_body"]


def streamed_body(response: HttpResponseBase) -> bytes:
    """The whole body of a streamed response (a file download or a CSV export)."""
    assert isinstance(response, StreamingHttpResponse), type(response)
    return response.getvalue()
