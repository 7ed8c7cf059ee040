"""Exceptions and exit codes, in one place (as pySHACL keeps its constants)."""

EXIT_OK = 0
EXIT_FAILURE = 1  # validation failed, or some inputs could not be built
EXIT_USAGE = 2  # bad command line, missing input
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class GovkgError(Exception):
    """Base class of the errors govkg reports to a user without a traceback."""

    exit_code = EXIT_FAILURE


class InputError(GovkgError):
    """A document that cannot be read, decoded or recognised."""


class UsageError(GovkgError):
    exit_code = EXIT_USAGE


class ValidationError(GovkgError):
    """The built graph does not conform to the SHACL shapes."""
