"""Which LAN layouts make the attacker's site another *site*, and what the launcher picks."""

import pytest

from classroom import layout


@pytest.mark.parametrize(
    ("app", "attacker"),
    [
        ("http://10.0.0.5:8000", "http://laptop.local:8003"),
        ("http://10.0.0.5:8000", "http://10.0.0.6:8003"),
        ("http://localhost:8000", "http://attacker.localhost:8003"),
        ("http://lab.school.example:8000", "http://evil.example:8003"),
    ],
)
def test_these_layouts_put_the_attacker_on_another_site(app, attacker):
    assert layout.cross_site(app, attacker)


@pytest.mark.parametrize(
    ("app", "attacker"),
    [
        ("http://10.0.0.5:8000", "http://10.0.0.5:8003"),  # ports do not make sites
        ("http://a.lab.example:8000", "http://b.lab.example:8003"),  # one registrable domain
        ("http://LAPTOP.local:8000", "http://laptop.local.:8003"),  # case and the root dot
    ],
)
def test_these_layouts_leave_the_attacker_on_the_apps_site(app, attacker):
    assert not layout.cross_site(app, attacker)


def test_a_second_address_of_the_machine_is_preferred_for_the_attacker():
    chosen = layout.choose(addresses=["10.0.0.5", "192.168.1.9"], hostname="laptop", resolves=lambda name: True)
    assert (chosen.host, chosen.attacker_host, chosen.cross_site) == ("10.0.0.5", "192.168.1.9", True)


def test_with_one_address_the_machines_mdns_name_is_the_attackers():
    chosen = layout.choose(addresses=["10.0.0.5"], hostname="laptop", resolves=lambda name: name == "laptop.local")
    assert (chosen.attacker_host, chosen.cross_site) == ("laptop.local", True)


def test_with_no_second_name_the_layout_says_it_cannot_show_cross_site_effects():
    chosen = layout.choose(addresses=["10.0.0.5"], hostname="laptop", resolves=lambda name: False)
    assert not chosen.cross_site
    assert any("cannot show a cross-site effect" in note for note in layout.differences(chosen))


def test_with_no_network_the_class_runs_on_this_machine_alone():
    chosen = layout.choose(addresses=[], hostname="laptop", resolves=lambda name: False)
    assert (chosen.host, chosen.attacker_host, chosen.cross_site) == ("localhost", "attacker.localhost", True)


def test_the_instructors_choice_of_attacker_host_wins():
    chosen = layout.choose("10.0.0.5", "evil.lan", addresses=["10.0.0.5", "10.0.0.6"], hostname="x")
    assert chosen.attacker_host == "evil.lan"
