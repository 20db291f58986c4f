import pytest

from support.crisis_keywords import looks_like_crisis, phrases


@pytest.mark.parametrize(
    "text",
    [
        "Honestly some days I want to die",
        "I keep thinking I should just END IT ALL",
        "I don\u2019t want to be here anymore",
        "thinking about suicide lately",
        "I've been self-harming again... self-harm is back",
        "there's no reason to live   like this",
        "I could kill myself for forgetting the pager",
    ],
)
def test_crisis_phrases_are_caught_whatever_the_case_spacing_or_apostrophe(text):
    assert looks_like_crisis(text)


@pytest.mark.parametrize(
    "text",
    [
        "Studied all night, my diet is terrible",
        "The suicidality lecture was good",
        "Anyone want to die-cast miniatures? Kidding, board games Friday!",
        "My presentation killed it",
    ],
)
def test_ordinary_messages_pass(text):
    assert not looks_like_crisis(text)


def test_the_list_holds_the_phrases_the_brief_names():
    for phrase in ["kill myself", "end it all", "want to die", "suicide", "self-harm"]:
        assert phrase in phrases()


@pytest.mark.parametrize(
    "text",
    [
        "i dont want to be here anymore",
        "I don`t want to be here any more",
        "been self-harming again",
        "I self harmed last night",
        "thought about harming myself",
        "cant go on like this",
    ],
)
def test_missed_wordings_are_caught(text):
    assert looks_like_crisis(text)


def test_apostrophes_are_dropped_from_the_phrases_too():
    assert "dont want to be here anymore" in phrases()
    assert not any("'" in phrase for phrase in phrases())
