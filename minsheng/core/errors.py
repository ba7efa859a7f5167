"""Errors an action raises when it refuses. Their messages are Chinese and shown to the user as they are."""


class ActionError(Exception):
    """The action was refused; nothing was changed.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotAllowed(ActionError):
    """The actor may not do this to this object."""


class NotFound(ActionError):
    """No such object, or the user may not know it exists: both read the same."""


class Conflict(ActionError):
    """Someone else changed the object first; reload and try again."""
