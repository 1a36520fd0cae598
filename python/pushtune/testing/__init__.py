"""Testing trial code without a server: ``FakeMaster``."""

from .fake_master import FakeMaster

__all__ = ["FakeMaster"]
