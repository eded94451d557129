"""strategikompas: compare Danish municipalities' digitalisation strategies.

Importing the package must stay cheap: spaCy, scikit-learn and pandas are imported
only inside the functions that need them (see tests/test_imports.py).
"""

__version__ = "0.1.0"
