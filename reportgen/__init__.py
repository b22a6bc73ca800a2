"""reportgen: measures, on the machine in front of it, why deep learning took off."""

__version__ = "0.1.0"
