"""Who may do what. Every route checks on the server; hiding a button is never enough."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from models.vocabulary import Role

F = TypeVar("F", bound=Callable[..., Any])

EDITORS = (Role.ADMIN, Role.COMMISSIONER)
READERS = (Role.ADMIN, Role.COMMISSIONER, Role.FINANCE_LEAD)
EXPORTERS = (Role.ADMIN, Role.COMMISSIONER, Role.FINANCE_LEAD)


def role_required(*roles: Role) -> Callable[[F], F]:
    """Sign-in required, and the user's role must be one of `roles` (403 otherwise)."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def checked(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


def can(*roles: Role) -> bool:
    """For templates: whether to show an action the server would allow."""
    return bool(current_user.is_authenticated and current_user.role in roles)
