"""One file per failure mode; ``catalog.py`` lists them."""
