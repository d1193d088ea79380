"""Log in and out; regulators manage user accounts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from sqlalchemy import select

from registry.auth import policy
from registry.auth.limits import login_limits
from registry.auth.models import User
from registry.auth.schemas import PasswordChangeSchema
from registry.auth.schemas import UserCreateSchema
from registry.auth.schemas import UserEditSchema
from registry.auth.services import SESSION_VERSION_KEY
from registry.auth.services import authenticate
from registry.auth.services import change_password
from registry.auth.services import create_user
from registry.auth.services import end_sessions
from registry.auth.services import get_user
from registry.auth.services import live_token_counts
from registry.auth.services import live_tokens_of
from registry.auth.services import revoke_token
from registry.auth.services import revoke_tokens
from registry.auth.services import update_user
from registry.core.errors import DomainError
from registry.core.forms import load_form
from registry.core.forms import submit
from registry.core.http import safe_next
from registry.core.pagination import page_args
from registry.core.pagination import paginate
from registry.core.postgres import custom_plans
from registry.core.schemas import translate_errors
from registry.core.search import ESCAPE
from registry.core.search import clean
from registry.core.search import contains
from registry.core.sorting import SortSpec
from registry.extensions import db
from registry.sites.models import Organization

bp = Blueprint("auth", __name__)


def _limited(view: Any) -> Any:
    for decorate in reversed(login_limits()):
        view = decorate(view)
    return view


@bp.route("/login", methods=["GET", "POST"])
@_limited
def login() -> Any:
    """Show the log-in form and log the user in."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_url or url_for("core.home"))
        return render_template("auth/login.html", next=next_url, email="", error=None)
    email = request.form.get("email", "")
    user = authenticate(email, request.form.get("password", ""))
    if user is None:
        db.session.rollback()
        error = _("Wrong e-mail address or password.")
        return render_template("auth/login.html", next=next_url, email=email, error=error), 401
    db.session.commit()
    session.clear()  # a fresh session on log-in: no fixation
    login_user(user)
    session[SESSION_VERSION_KEY] = user.session_version
    if user.locale:
        session["locale"] = user.locale
    return redirect(next_url or url_for("core.home"))


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Any:
    """Log the user out, ending the session on the server too."""
    locale = session.get("locale")
    if current_user.is_authenticated and not g.get("via_token"):
        # Clearing the cookie only forgets it in this browser; a copy kept elsewhere would
        # still open the account. Raising the version refuses every earlier cookie.
        end_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


def _account_page(errors: dict[str, Any], status: int = 200) -> Any:
    tokens = live_tokens_of(current_user)
    return render_template("auth/account.html", tokens=tokens, errors=errors), status


@bp.get("/account")
@login_required
def account() -> Any:
    """Show the user's own API tokens and the form to change the password."""
    return _account_page({})


@bp.post("/account/password")
@login_required
def account_password() -> Any:
    """Change the user's own password; every other session and API token ends."""
    data, errors = load_form(PasswordChangeSchema(), request.form)
    if data is None:
        return _account_page(errors, 422)
    try:
        change_password(current_user, current=data["current_password"], new=data["password"])
    except DomainError as exc:
        db.session.rollback()
        return _account_page(translate_errors(exc.errors), 422)
    db.session.commit()
    # This browser stays logged in: its cookie takes the new version; all others are refused.
    session[SESSION_VERSION_KEY] = current_user.session_version
    flash(_("Your password was changed. Your other sessions and API tokens have ended."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def account_token_revoke(token_id: int) -> Any:
    """Revoke one of the user's own API tokens."""
    revoke_token(token_id, user=current_user, own_only=True)
    db.session.commit()
    flash(_("The API token was revoked."), "success")
    return redirect(url_for("auth.account"))


def _organizations() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


USER_SORT = SortSpec(
    {
        "email": (User.email,),
        "name": (User.name,),
        "role": (User.role,),
        "organization": (
            select(Organization.name)
            .where(Organization.id == User.organization_id)
            .scalar_subquery(),
        ),
        "active": (User.active,),
    },
    tiebreak=User.id,
    default="email",
)


@bp.get("/users")
@login_required
def user_list() -> Any:
    """List user accounts (regulators)."""
    policy.require(current_user, "manage_users")
    page, size = page_args(request.args)
    q = clean(request.args.get("q"))
    sorting = USER_SORT.read(request.args)
    stmt = USER_SORT.apply(select(User).order_by(User.email, User.id), sorting)
    if q:
        like = contains(q)
        stmt = stmt.where(
            User.email.ilike(like, escape=ESCAPE) | User.name.ilike(like, escape=ESCAPE)
        )
    with custom_plans(db.session, when=bool(q)):
        result = paginate(stmt, page=page, page_size=size)
    tokens = live_token_counts([u.id for u in result.items])
    return render_template("auth/users.html", page=result, q=q, tokens=tokens, sorting=sorting)


@bp.post("/users/<int:user_id>/tokens/revoke")
@login_required
def user_tokens_revoke(user_id: int) -> Any:
    """Revoke every live API token of a user (regulators)."""
    policy.require(current_user, "manage_users")
    user = get_user(user_id)
    count = revoke_tokens(user)
    db.session.commit()
    flash(
        _("API tokens of %(email)s revoked: %(count)d.", email=user.email, count=count), "success"
    )
    return redirect(url_for("auth.user_list"))


def _create_user(data: dict[str, Any]) -> User:
    org = (
        db.session.get(Organization, data["organization_id"])
        if data.get("organization_id")
        else None
    )
    return create_user(
        email=data["email"],
        password=data["password"],
        role=data["role"],
        organization=org,
        name=data.get("name"),
        locale=data.get("locale"),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def user_new() -> Any:
    """Create a user account (regulators)."""
    policy.require(current_user, "manage_users")
    values: dict[str, Any] = dict(request.form) if request.method == "POST" else {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        done = submit(UserCreateSchema(), request.form, _create_user)
        if done.ok:
            flash(_("User %(email)s created.", email=done.saved.email), "success")
            return redirect(url_for("auth.user_list"))
        errors = done.errors
    return _user_form(values, errors, None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int) -> Any:
    """Change a user's role, organization, name or active flag, or reset the password."""
    policy.require(current_user, "manage_users")
    user = db.get_or_404(User, user_id)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        values: dict[str, Any] = dict(request.form)
        done = submit(
            UserEditSchema(), request.form, lambda data: update_user(user, data, by=current_user)
        )
        if done.ok:
            flash(_("User %(email)s saved.", email=user.email), "success")
            return redirect(url_for("auth.user_list"))
        errors = done.errors
    else:
        values = {
            "name": user.name or "",
            "role": user.role,
            "organization_id": user.organization_id or "",
            "active": user.active,
            "locale": user.locale or "",
        }
    return _user_form(values, errors, user)


def _user_form(values: dict[str, Any], errors: dict[str, Any], user: User | None) -> Any:
    """The new-user page (`user` None) or a user's edit page; a typed password is not shown."""
    values.pop("password", None)
    return render_template(
        "auth/user_form.html",
        values=values,
        errors=errors,
        organizations=_organizations(),
        user=user,
    ), (422 if errors else 200)
