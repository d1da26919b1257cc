from lawyer_desk.core import models as m
from lawyer_desk.core.references import case_reference


def test_reference_is_stable_and_names_no_one() -> None:
    client = m.Client(display_name="Idris Mamut", uid="3f9a02c1aabbccddeeff00112233aabb")
    assert case_reference(client.uid) == "LD-3F9A02C1"
    assert "Idris" not in case_reference(client.uid)


def test_two_clients_get_two_references() -> None:
    a, b = m.Client(display_name="A"), m.Client(display_name="B")
    assert case_reference(a.uid) != case_reference(b.uid)
