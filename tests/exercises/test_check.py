"""check(): the teachers' solutions pass, and whatever goes wrong in a student's code is reported
in words (where, what), never as a traceback."""
import numpy as np
import pytest

import minnet as mn

from ._helpers import solution_class, solution_path

NAMES = [ex.name for ex in mn.exercises.catalog()]


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes(name):
    result = mn.exercises.check(solution_path(name))
    assert result.ok, str(result)
    assert result.status == "passed" and result.mistake_names == []
    ex = mn.exercises.get(name)
    assert [label for label, _ in result.passed_cases] == [c.label for c in ex.cases]
    for case, (_, report) in zip(ex.cases, result.passed_cases):
        assert (report is not None) == case.gradcheck
        if report is not None:                  # gradcheck in float64: a right gradient is far below 1e-4
            assert report.ok and report.max_rel_error < 1e-4
    assert str(result).startswith(f"{name}: PASSED")


@pytest.mark.parametrize("name", ["sigmoid", "max_pool2d", "softmax_cross_entropy"])
def test_the_solution_passes_as_a_class(name):
    op = solution_class(name, mn.exercises.get(name).class_name)
    assert mn.exercises.check(op).ok
    assert mn.exercises.check(op, exercise=name).ok


def test_check_leaves_minnets_state_as_it_found_it():
    mn.manual_seed(5)
    expected = mn.get_rng().random(3)
    mn.manual_seed(5)
    backend, dtype = mn.kernels.get_backend(), mn.get_default_dtype()
    mn.exercises.check(solution_path("dropout"))
    assert np.array_equal(mn.get_rng().random(3), expected)
    assert (mn.kernels.get_backend(), mn.get_default_dtype()) == (backend, dtype)


def test_a_check_writes_nothing_next_to_the_file(tmp_path):
    path = tmp_path / "sigmoid.py"
    path.write_text(solution_path("sigmoid").read_text())
    mn.exercises.check(path)
    assert [p.name for p in tmp_path.iterdir()] == ["sigmoid.py"]


def test_an_exception_in_backward_points_at_the_students_line(variant):
    path = variant("sigmoid", ("return grad * y * (1 - y)", "return grad * y * (1 - z)"))
    result = mn.exercises.check(path)
    assert result.status == "error" and not result.ok
    assert result.location.line == 21 and result.location.code == "return grad * y * (1 - z)"
    text = str(result)
    assert "ERROR: an error in your backward (sigmoid.py, line 21)" in text
    assert "NameError: name 'z' is not defined" in text and "Traceback" not in text


def test_a_syntax_error_points_at_its_line(variant):
    path = variant("tanh", ("return grad * (1 - y ** 2)", "return grad * (1 - y ** 2"))
    result = mn.exercises.check(path)
    assert result.status == "error" and result.exercise == "tanh"
    assert "loading your file (tanh.py, line 21)" in str(result) and "SyntaxError" in str(result)


def test_an_error_while_importing_the_file(variant):
    path = variant("relu", ("import minnet as mn\n", "import minnet as mn\nimport no_such_module_here\n"))
    result = mn.exercises.check(path)
    assert result.status == "error"
    assert "ModuleNotFoundError: No module named 'no_such_module_here'" in str(result)
    assert "relu.py, line 5" in str(result)


def test_not_implemented_backward_is_reported_with_its_line(variant):
    path = variant("matmul", ("        a, b = ctx.saved_tensors\n", "        raise NotImplementedError\n"))
    result = mn.exercises.check(path)
    assert result.status == "not implemented"
    assert "backward is not implemented yet (matmul.py, line 19)" in str(result)


def test_a_file_without_the_class(variant):
    path = variant("sigmoid", ("class Sigmoid(mn.Function):", "class Sigmoid:"))
    result = mn.exercises.check(path)
    assert result.status == "error"
    assert "no mn.Function subclass; the checker looks for class Sigmoid" in str(result)


def test_a_differently_named_class_is_found_when_it_is_the_only_one(variant):
    assert mn.exercises.check(variant("sigmoid", ("class Sigmoid(", "class MySigmoid("))).ok


def test_backward_must_return_one_gradient_per_input(variant):
    result = mn.exercises.check(variant("matmul", ("return grad_a, grad_b", "return grad_a")))
    assert result.status == "wrong"
    assert "returned 1 value(s), but forward takes 2 input(s) (a, b)" in str(result)
    result = mn.exercises.check(variant("matmul", ("return grad_a, grad_b", "return grad_a, None")))
    assert "returned None as the gradient of b" in str(result)


def test_a_signature_that_does_not_fit_says_what_the_checker_calls(variant):
    result = mn.exercises.check(variant("mean", ("def forward(ctx, x, axis=None):",
                                                 "def forward(ctx, x):\n        axis = None")))
    assert result.status == "error" and result.case == "x (3, 4), axis=0"
    assert "unexpected keyword argument 'axis'" in str(result)
    assert "The checker calls forward(ctx, x, axis=None) and backward(ctx, grad)" in str(result)


def test_a_forward_that_writes_into_its_input(variant):
    path = variant("relu", ("return np.where(active, x, 0.0)", "x[~active] = 0.0\n        return x"))
    result = mn.exercises.check(path)
    assert result.status == "wrong" and result.forward_ok is False
    assert "your forward changed its input x in place" in str(result)


def test_a_wrong_forward_shape_is_named(variant):
    result = mn.exercises.check(variant("mean", ("return np.asarray(x.mean(axis=axis))",
                                                 "return np.asarray(x.mean(axis=axis, keepdims=True))")))
    assert result.status == "wrong" and result.forward_ok is False
    assert "your forward returned shape (1, 1); for x (3, 4) it is ()" in str(result)


def test_a_wrong_gradient_names_the_input_the_element_and_the_error(variant):
    path = variant("conv2d", ("return gx, gw, grad.sum(axis=(0, 2, 3))", "return gx, 2 * gw, grad.sum(axis=(0, 2, 3))"))
    result = mn.exercises.check(path)
    assert result.status == "wrong" and result.forward_ok is True
    rows = {row.name: row for row in result.gradients}
    assert rows["x"].ok and rows["b"].ok and not rows["w"].ok
    w = rows["w"].check
    assert w.analytical == pytest.approx(2 * w.numerical, rel=1e-5)
    assert f"gradient of w (3, 2, 2, 3): WRONG: relative error {w.max_rel_error:.2g} at element {w.worst_index}" \
           in str(result)
    assert result.mistake_names == ["constant_factor"]
    assert "is 2 times the right value at every element" in str(result)


def test_usage_errors_raise():
    with pytest.raises(FileNotFoundError, match="no such file"):
        mn.exercises.check("no/such/file.py")
    with pytest.raises(TypeError, match="path of your exercise file or your mn.Function class"):
        mn.exercises.check(42)
    with pytest.raises(ValueError, match="cannot tell which exercise the class Mystery is for"):
        mn.exercises.check(type("Mystery", (mn.Function,), {}))


def test_a_file_that_is_no_exercise(tmp_path):
    path = tmp_path / "notes.py"
    path.write_text("x = 1\n")
    with pytest.raises(ValueError, match='cannot tell which exercise notes.py is: add a line EXERCISE = "name"'):
        mn.exercises.check(path)


def test_what_is_no_array_is_said_in_words(variant):
    result = mn.exercises.check(variant("sigmoid", ("        return y\n", "        return None\n")))
    assert result.status == "wrong" and "your forward returned NoneType as the output" in str(result)
    result = mn.exercises.check(variant("sigmoid", ("        return y\n", "        return mn.Tensor(y)\n")))
    assert "your forward returned a Tensor as the output" in str(result) and "t.data" in str(result)
    result = mn.exercises.check(variant("sigmoid", ("return grad * y * (1 - y)", "return 'grad'")))
    assert result.status == "wrong" and "your backward returned str as the gradient of x" in str(result)
    assert result.forward_ok is True


def test_the_file_is_imported_afresh_for_each_check(tmp_path):
    import sys
    path = tmp_path / "sigmoid.py"
    path.write_text(mn.exercises.get("sigmoid").template())
    assert mn.exercises.check(path).status == "not implemented"
    path.write_text(solution_path("sigmoid").read_text())
    assert mn.exercises.check(path).ok
    assert not [name for name in sys.modules if name.startswith("_minnet_exercise")]


def test_a_float32_forward_is_named(variant):
    result = mn.exercises.check(variant("tanh", ("        return y\n", "        return y.astype(np.float32)\n")))
    assert result.status == "wrong" and "your forward returned float32 values" in str(result)
