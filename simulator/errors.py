"""Bot API errors as Telegram words them.

ApiError carries what the server answers: the HTTP status (= `error_code`), the description
and, for flood control, `parameters.retry_after`. The constants are Telegram's exact wordings,
so tests can assert against them (PTB strips a leading "Bad Request: " and capitalizes the rest).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"
CHAT_ID_EMPTY = "Bad Request: chat_id is empty"
CHAT_NOT_FOUND = "Bad Request: chat not found"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
BLOCKED = "Forbidden: bot was blocked by the user"
TEXT_EMPTY = "Bad Request: message text is empty"
TEXT_TOO_LONG = "Bad Request: message is too long"
BAD_MARKUP_JSON = "Bad Request: can't parse reply keyboard markup JSON object"
INLINE_KEYBOARD_EXPECTED = "Bad Request: inline keyboard expected"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
BUTTON_TEXT_INVALID = "Bad Request: BUTTON_TEXT_INVALID"
# A web_app button outside a private chat, or one without a URL.
BUTTON_TYPE_INVALID = "Bad Request: BUTTON_TYPE_INVALID"
BUTTON_URL_INVALID = "Bad Request: BUTTON_URL_INVALID"
TEXT_BUTTON_IN_INLINE = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)
MESSAGE_ID_MISSING = "Bad Request: message identifier is not specified"
MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
MESSAGE_CANT_BE_EDITED = "Bad Request: message can't be edited"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
ACTION_EMPTY = "Bad Request: action is empty"
BAD_JSON = "Bad Request: can't parse JSON"
BAD_COMMANDS = "Bad Request: BOT_COMMAND_INVALID"
BAD_COMMAND_DESCRIPTION = "Bad Request: command description is empty or too long"
WEBHOOK_URL_INVALID = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
SECRET_TOKEN_INVALID = "Bad Request: bad webhook: secret token contains unallowed characters"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLLING_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
TOO_MANY_REQUESTS = "Too Many Requests: retry after {retry_after}"


class ApiError(Exception):
    """A Bot API failure: `{"ok": false, "error_code", "description", "parameters"?}`."""

    def __init__(self, description: str, error_code: int = 400, retry_after: int | None = None):
        super().__init__(description)
        self.description = description
        self.error_code = error_code
        self.retry_after = retry_after

    @classmethod
    def too_many_requests(cls, retry_after: int) -> ApiError:
        """Flood control with Telegram's wording and `parameters.retry_after`."""
        return cls(TOO_MANY_REQUESTS.format(retry_after=retry_after), 429, retry_after)

    @classmethod
    def for_status(cls, status: int, description: str | None, retry_after: int) -> ApiError:
        """An injected failure: default descriptions as Telegram words them for each status."""
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            if description is None:
                return cls.too_many_requests(retry_after)
            return cls(description, status, retry_after)
        if description is None:
            description = _DEFAULT_DESCRIPTIONS.get(status) or _phrase(status)
        return cls(description, status)

    def to_json(self) -> dict[str, Any]:
        """The response body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: UNAUTHORIZED,
    403: "Forbidden",
    404: NOT_FOUND,
    409: "Conflict",
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"
