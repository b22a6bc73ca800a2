"""The one kind of error a user can fix: a bad argument, file, profile, device or destination.

Its message is the whole story in one line; the command line prints it with exit code 2 and no traceback. Each
module names its own kind (ProfileError, ResultsError, ...) so that a caller may tell them apart, but they are all
UserErrors, and the command line catches only that.
"""

from __future__ import annotations


class UserError(ValueError):
    """A mistake the user can correct, said in one line."""
