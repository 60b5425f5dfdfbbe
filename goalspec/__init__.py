"""goalspec: goals as code. Specs in YAML, checked like code, published as a site."""

__version__ = "0.1.0"
