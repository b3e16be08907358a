"""privacylint: check a built website against what its privacy statement declares."""

__version__ = "0.2.0"
