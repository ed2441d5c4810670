from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired

from models.passwords import MAX_LENGTH, MIN_LENGTH

NEW_PASSWORD_HINT = (
    f"At least {MIN_LENGTH} characters (at most {MAX_LENGTH}), not a common password. "
    "A few random words with spaces between them is strong and easy to remember."
)


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])
    remember = BooleanField("Keep me signed in on this device")


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Your current password", validators=[DataRequired("enter your current password")]
    )
    password = PasswordField("New password", description=NEW_PASSWORD_HINT)
    confirm = PasswordField("Type the new password again")
