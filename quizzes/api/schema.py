"""The OpenAPI document's shared parts: the error shapes, added to every operation.

drf-spectacular describes each view's success responses from its `extend_schema`; the errors are
the same everywhere (see `quizzes.api.exceptions`), so a post-processing hook adds them once
instead of every view repeating them.
"""

ERROR = {
    "type": "object",
    "description": "A refusal: a message and a stable machine-readable code.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail", "code"],
}

FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Bad input: each offending field maps to a list of messages (nested bodies nest the "
        "same way); `non_field_errors` holds messages about the whole body. A refusal by the "
        "quiz rules uses the `Error` shape instead."
    ),
    "additionalProperties": {},
}

_REF_ERROR = {"$ref": "#/components/schemas/Error"}
_REF_FIELD_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}

ERROR_RESPONSES = {
    "400": ("Bad input.", {"anyOf": [_REF_FIELD_ERRORS, _REF_ERROR]}),
    "401": ("Not signed in: send `Authorization: Token …` or a session cookie.", _REF_ERROR),
    "403": ("Signed in, but not allowed (or refused by the quiz rules).", _REF_ERROR),
    "404": ("No such object, or not yours.", _REF_ERROR),
    "409": ("The object's state does not allow this (finished, locked, in use).", _REF_ERROR),
    "429": ("Too many requests; retry after `Retry-After` seconds.", _REF_ERROR),
}

WRITE_METHODS = {"post", "put", "patch"}


def _response(code: str) -> dict:
    description, schema = ERROR_RESPONSES[code]
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if code == "429":
        response["headers"] = {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before the next call is allowed.",
            }
        }
    return response


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook (see SPECTACULAR_SETTINGS)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = ["403", "429"]
            if {} not in operation.get("security", []):
                codes.append("401")
            has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            if method in WRITE_METHODS or has_query:
                codes.append("400")
            if "{" in path or has_query:  # an unknown id, or a page past the end
                codes.append("404")
            if method == "delete":
                codes.append("409")
            for code in codes:
                responses.setdefault(code, _response(code))
    return result
