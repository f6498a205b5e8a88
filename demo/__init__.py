"""The demos: data generators in each dataset's release layout and the end-to-end scripts.

Not installed with the package; the demo scripts and the tests import it from the
repository root.
"""
