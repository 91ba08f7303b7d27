"""``python -m minnet``: the same as the ``minnet`` command."""
import sys

from .cli import main

sys.exit(main())
