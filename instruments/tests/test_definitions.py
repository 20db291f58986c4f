import ast
import pathlib

import pytest

from instruments import get_instrument, instrument_ids

EXPECTED = {
    # id: (items, reverse items, score min, score max, option values)
    "phq9": (9, (), 0, 27, (0, 1, 2, 3)),
    "phq2": (2, (), 0, 6, (0, 1, 2, 3)),
    "gad7": (7, (), 0, 21, (0, 1, 2, 3)),
    "gad2": (2, (), 0, 6, (0, 1, 2, 3)),
    "who5": (5, (), 0, 100, (0, 1, 2, 3, 4, 5)),
    "pss10": (10, (4, 5, 7, 8), 0, 40, (0, 1, 2, 3, 4)),
    "pss4": (4, (2, 3), 0, 16, (0, 1, 2, 3, 4)),
    "ucla3": (3, (), 3, 9, (1, 2, 3)),
    "cbi_personal": (6, (), 0, 100, (0, 25, 50, 75, 100)),
    "cbi_work": (7, (4,), 0, 100, (0, 25, 50, 75, 100)),
    "mlq_presence": (5, (5,), 5, 35, (1, 2, 3, 4, 5, 6, 7)),
    "brs": (6, (2, 4, 6), 1, 5, (1, 2, 3, 4, 5)),
}

PACKAGE = pathlib.Path(__file__).resolve().parent.parent


def test_every_expected_instrument_ships():
    assert set(instrument_ids()) == set(EXPECTED)


@pytest.mark.parametrize("instrument_id", sorted(EXPECTED))
def test_definition_matches_published_structure(instrument_id):
    n_items, reverse, low, high, values = EXPECTED[instrument_id]
    instrument = get_instrument(instrument_id)
    assert len(instrument.items) == n_items
    assert instrument.reverse_items == reverse
    assert (instrument.scoring.min, instrument.scoring.max) == (low, high)
    for item in instrument.items:
        assert tuple(sorted(item.values)) == values
        assert len({option.label for option in item.options}) == len(item.options)


@pytest.mark.parametrize("instrument_id", sorted(EXPECTED))
def test_definition_documents_its_sources(instrument_id):
    instrument = get_instrument(instrument_id)
    for text in (
        instrument.name,
        instrument.citation,
        instrument.licence,
        instrument.recall_period,
        instrument.stem,
        instrument.scoring.source,
        instrument.missing.source,
    ):
        assert text.strip()
    assert instrument.verification
    for band in instrument.bands:
        assert band.label and band.meaning.endswith(".") and band.source
    if not instrument.bands or "not official" in instrument.bands_note.lower():
        assert instrument.bands_note or not instrument.bands


def test_no_proprietary_instruments():
    for forbidden in ("mbi", "maslach", "mayo", "wbi"):
        assert not any(forbidden in instrument_id for instrument_id in instrument_ids())


def test_package_has_no_django_imports():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert not any(m.split(".")[0] == "django" for m in modules), path


def test_wording_changed_for_the_screen_is_marked_adapted():
    for instrument_id in ("pss10", "pss4", "cbi_personal", "cbi_work"):
        assert get_instrument(instrument_id).adaptations, instrument_id
    for instrument_id in ("pss10", "pss4"):
        instrument = get_instrument(instrument_id)
        assert "circling" not in instrument.stem
        # The adaptation quotes the published instruction it replaces.
        assert "indicate by circling" in instrument.adaptations[0]
    assert "studies and clinical placements" in get_instrument("cbi_work").stem
    assert "adaptation" in get_instrument("cbi_work").adaptations[0]
    for instrument_id in instrument_ids():
        assert "circl" not in get_instrument(instrument_id).stem.lower()


def test_a_prorated_whole_number_total_states_its_rounding():
    for instrument_id in instrument_ids():
        instrument = get_instrument(instrument_id)
        if instrument.missing.rule == "prorate":
            assert "half up" in instrument.missing.rounding
            assert "4.5 -> 5" in instrument.missing.rounding


def test_ucla3_band_cites_a_source_that_states_the_cut_off():
    for band in get_instrument("ucla3").bands:
        assert "Campaign to End Loneliness" in band.source
        assert "6 - 9" in band.source
        assert "not a validated cut-off" in band.source


def test_docs_give_every_instrument_its_sources_threshold_and_gaps():
    docs = (PACKAGE.parent / "docs" / "instruments.md").read_text(encoding="utf-8")
    sections = docs.split("\n### ")[1:]
    for instrument_id in instrument_ids():
        instrument = get_instrument(instrument_id)
        (section,) = [s for s in sections if f"`{instrument_id}`" in s.splitlines()[0]]
        assert "Change threshold" in section, instrument_id
        for flag in instrument.flags:
            assert f"`{flag.name}`" in section, (instrument_id, flag.name)
        if instrument.adaptations:
            assert "adapted" in section.lower(), instrument_id
