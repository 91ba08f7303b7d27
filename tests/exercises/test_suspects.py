"""suspects(seed): a line-up with planted backward bugs that a numerical gradient check tells apart."""
import numpy as np
import pytest

import minnet as mn

SEEDS = range(30)


def _signature(line_up):
    return [(s.label, s.name, tuple(np.asarray(a).tobytes() for a in s.inputs), s.kwargs.get("p"))
            for s in line_up], line_up.reveal().wrong


def test_the_same_seed_gives_the_same_line_up_and_bugs():
    assert _signature(mn.exercises.suspects(4)) == _signature(mn.exercises.suspects(4))


def test_seeds_give_different_line_ups_and_plant_every_kind_of_bug():
    line_ups = [mn.exercises.suspects(seed) for seed in SEEDS]
    assert len({tuple(s.name for s in lu) for lu in line_ups}) > 20
    planted = {title for lu in line_ups for title in lu.reveal().wrong.values()}
    assert len(planted) >= 20
    for lu in line_ups:
        assert 2 <= len(lu.reveal().wrong) <= len(lu) - 2
        assert len({s.name for s in lu}) == len(lu)


def test_a_gradcheck_tells_every_bugged_op_from_every_correct_one():
    for seed in SEEDS:
        line_up = mn.exercises.suspects(seed)
        revelation = line_up.reveal()
        for s in line_up:
            report = mn.gradcheck(s.fn, s.inputs)
            if s.label in revelation.correct:
                assert report.ok and report.max_rel_error < 1e-4, (seed, s.name, str(report))
            else:
                assert not report.ok and report.max_rel_error > 1e-2, (seed, s.name, revelation.wrong[s.label])


def test_the_student_sees_the_ops_not_the_answers():
    line_up = mn.exercises.suspects(0)
    text = str(line_up)
    assert "mn.gradcheck(s.fn, s.inputs)" in text and "reveal()" in text
    for s in line_up:
        assert s.name in text and "BUG" not in text
        assert s.op.__name__ == mn.exercises.get(s.name).class_name      # bugged or not, the same name
        assert "_bug" not in repr(s)
    assert line_up["A"] is line_up[0]
    with pytest.raises(KeyError, match="no suspect labelled 'Z'"):
        line_up["Z"]


def test_reveal_names_each_bug():
    revelation = mn.exercises.suspects(2).reveal()
    text = str(revelation)
    assert f"{len(revelation.wrong)} of 6 had a planted bug" in text
    for label, title in revelation.wrong.items():
        assert f"BUG: {title}" in text
    assert len(revelation.correct) + len(revelation.wrong) == 6


def test_a_bad_seed_or_count_is_refused():
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        mn.exercises.suspects(-1)
    with pytest.raises(ValueError, match="count must be between 4 and 11"):
        mn.exercises.suspects(0, count=2)


def test_suspects_leave_minnets_generator_alone():
    mn.manual_seed(9)
    expected = mn.get_rng().random(2)
    mn.manual_seed(9)
    mn.exercises.suspects(1)
    assert np.array_equal(mn.get_rng().random(2), expected)
