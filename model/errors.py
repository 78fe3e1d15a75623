"""The one error type the public API raises for bad input or bad priors."""


class InputError(ValueError):
    """Evidence, a case file, a CSV row or a priors folder that cannot be used.

    The message names what is wrong and what would be valid.
    """


class PriorsError(InputError):
    """A priors folder that is malformed; the message names the file and the key."""


class ImpossibleEvidenceError(InputError):
    """Answers that have probability zero under the model's priors."""
