"""API tokens through the API: a user lists, creates and revokes their own tokens."""

from pydantic import BaseModel, Field

from models.token import ApiTokenCreate, ApiTokenPublic
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import ApiProblem, fail
from planner.api.pagination import Page, PageQuery, page_of_list
from planner.db import get_session
from planner.tokens.service import TokenError, create_token, revoke_token, user_tokens

bp = api_blueprint("tokens", "API tokens", "Your own API tokens: list, create, revoke.")


class NewApiToken(ApiTokenPublic):
    token: str = Field(description="The token itself. It is shown only this once: keep it safe.")


class RevokedToken(BaseModel):
    token: ApiTokenPublic


@bp.get("/tokens", responses={200: Page[ApiTokenPublic]})
def list_tokens(query: PageQuery):
    """Your API tokens, newest first, with revoked ones."""
    user = api_user()
    tokens = [ApiTokenPublic.model_validate(t) for t in user_tokens(get_session(), user.id)]
    return page_of_list(tokens, query)


@bp.post("/tokens", responses={201: NewApiToken})
def create_api_token(body: ApiTokenCreate):
    """Create a token for yourself; the answer holds the token, shown only this once."""
    user = api_user()
    try:
        token, secret = create_token(get_session(), user.id, body.model_dump(), actor=user)
    except TokenError as error:
        raise ApiProblem(422, error.errors) from error
    created = NewApiToken(**ApiTokenPublic.model_validate(token).model_dump(), token=secret)
    return created.model_dump(mode="json"), 201


@bp.delete("/tokens/<int:id>", responses={200: ApiTokenPublic})
def revoke_api_token(path: IdPath):
    """Revoke one of your tokens; it stops working at once. Revoking the token you are using
    is allowed: this call still answers, the next one is refused."""
    user = api_user()
    token = revoke_token(get_session(), user.id, path.id, actor=user)
    if token is None:
        fail(404, f"You have no API token with id {path.id}")
    return ApiTokenPublic.model_validate(token).model_dump(mode="json")
