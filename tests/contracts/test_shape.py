import pytest

from tests.contracts.shape import assert_shape, shape_differences


def test_same_shape_passes_with_different_values_and_extra_keys():
    assert_shape(
        {"id": 7, "name": "b", "tags": ["x", "y"], "extra": True},
        {"id": 1, "name": "a", "tags": ["t"]},
    )


@pytest.mark.parametrize(
    ("actual", "problem"),
    [
        ({"name": "a"}, "$.id: documented, missing"),
        ({"id": "1", "name": "a"}, "$.id: documented number, got string"),
        ({"id": 1, "name": None}, "$.name: documented string, got null"),
        ({"id": True, "name": "a"}, "$.id: documented number, got boolean"),
    ],
)
def test_differences_are_named_by_path(actual, problem):
    assert any(p.startswith(problem) for p in shape_differences(actual, {"id": 1, "name": "a"}))


def test_every_list_element_is_checked_and_nullable_paths_apply_to_each():
    documented = {"items": [{"photo": "a.png", "n": 1}]}
    assert shape_differences(
        {"items": [{"photo": "x", "n": 1}, {"photo": "y", "n": "2"}]}, documented
    ) == ['$.items[1].n: documented number, got string ("2")']
    assert (
        shape_differences(
            {"items": [{"photo": None, "n": 1}]},
            documented,
            nullable=frozenset({"$.items[].photo"}),
        )
        == []
    )
    assert shape_differences({"items": [{"photo": None, "n": 1}]}, documented) != []


def test_documented_null_accepts_anything():
    assert shape_differences({"a": {"deep": 1}}, {"a": None}) == []
