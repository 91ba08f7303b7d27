"""The examples in the docstrings of minnet.data run and print what they claim."""
import doctest
import importlib

import pytest

MODULES = ["generators", "images", "digits", "loader", "split", "preprocessing", "corruptions", "augment",
           "balance", "encoding", "impute", "cleaning", "frames"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"minnet.data.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
