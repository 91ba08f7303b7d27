"""Floor 5: gradient-checking exercises. Write an op's forward and backward, and have them checked.

    minnet exercises                            # the list
    minnet exercise start sigmoid               # writes sigmoid.py, a template to fill in
    minnet exercise check sigmoid.py            # the verdict: what is wrong, where, and a hint

or from Python::

    import minnet as mn
    print(mn.exercises.get("sigmoid").template())
    result = mn.exercises.check("sigmoid.py")   # or check(MySigmoid), an mn.Function class
    result.ok, result.mistake_names

``mn.exercises.suspects(seed)`` hands out a handful of ops, some with a planted backward bug, to be
found with ``mn.gradcheck``; ``reveal()`` says which were wrong and how.
"""
from .catalog import catalog, get
from .check import check
from .exercise import Case, Exercise, Mistake
from .result import ExerciseResult
from .suspects import Suspect, Suspects, suspects

__all__ = ["catalog", "get", "check", "suspects", "Exercise", "ExerciseResult", "Case", "Mistake",
           "Suspect", "Suspects"]
