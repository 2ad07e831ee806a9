"""One error hierarchy for the project.

Errors a user (or the agent's model) can fix derive from :class:`InputError`; the CLI maps every
:class:`CrmInsightsError` to a one-line message and exit code 1, the server to a 4xx JSON body.
Anything else is a bug and propagates.
"""

from __future__ import annotations


class CrmInsightsError(Exception):
    """Base of every error the project raises on purpose."""

    code = "error"
    http_status = 400


class ConfigError(CrmInsightsError):
    """The configuration is invalid (unknown key, bad value)."""

    code = "config_error"
    http_status = 500


class InputError(CrmInsightsError):
    """Bad input from a user or a model: a bad argument, an unknown id, a malformed file."""

    code = "invalid_input"
    http_status = 422


class NotFoundError(InputError):
    """Something asked for by id does not exist (a customer, a thread, a segment)."""

    code = "not_found"
    http_status = 404


class ImportValidationError(InputError):
    """A file to import has bad rows. ``problems`` holds (row, field, reason) for each."""

    code = "import_invalid"

    def __init__(self, message: str, problems: list[tuple[int, str, str]], total: int | None = None):
        super().__init__(message)
        self.problems = problems
        self.total = total if total is not None else len(problems)

    def report(self, limit: int = 20) -> str:
        lines = [str(self)]
        for row, field, reason in self.problems[:limit]:
            lines.append(f"  row {row}: {field}: {reason}")
        if self.total > limit:
            lines.append(f"  ... and {self.total - limit} more problem(s)")
        return "\n".join(lines)


class ArtifactError(CrmInsightsError):
    """A model or index artifact is missing, corrupt, or does not match the configuration."""

    code = "artifact_error"
    http_status = 409


class NotReadyError(ArtifactError):
    """A capability needs an artifact that has not been built yet (say which command builds it)."""

    code = "not_ready"
    http_status = 503


class StoreError(CrmInsightsError):
    """The CRM store cannot be reached or is not migrated."""

    code = "store_error"
    http_status = 503


class AuthError(CrmInsightsError):
    code = "unauthorized"
    http_status = 401
