"""The one packaging step pyproject.toml cannot say: install the repository's top-level ``lessons/``
folder with the package, as ``minnet/_lessons``, so that ``minnet lesson N`` works after a plain,
non-editable ``pip install``. Only the lesson files (``NN_name.py``) and its README.md go in;
``lessons/solutions/`` (for teachers) does not. Everything else is in pyproject.toml.
"""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["minnet", "minnet.*"]) + ["minnet._lessons"],
    package_dir={"minnet._lessons": "lessons"},
    package_data={"minnet.data": ["*.npz"], "minnet._lessons": ["README.md"]},
)
