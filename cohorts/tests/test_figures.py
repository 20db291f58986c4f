"""The rollup arithmetic, by named fields: counting an observation in and taking it back out
leaves nothing behind, and band counts are of students, not observations."""

from cohorts.figures import Figures, Share, counted, without_share


def test_counting_one_observation_then_taking_it_back_leaves_nothing():
    figures, share = counted(None, None, sign=1, value=3.0, band="low")

    assert figures == Figures(
        n_students=1, n_obs=1, total=3.0, total_sq=9.0, band_counts={"low": 1}
    )
    assert share == Share(n_obs=1, total=3.0, total_sq=9.0, band_counts={"low": 1})
    assert counted(figures, share, sign=-1, value=3.0, band="low") == (None, None)


def test_a_second_observation_of_one_student_counts_once_among_students_and_bands():
    figures, share = counted(None, None, sign=1, value=2.0, band="low")
    figures, share = counted(figures, share, sign=1, value=4.0, band="low")

    assert (figures.n_students, figures.n_obs, figures.total) == (1, 2, 6.0)
    assert figures.band_counts == {"low": 1} and share.band_counts == {"low": 2}


def test_taking_back_what_was_never_counted_changes_nothing():
    figures = Figures(2, 2, 5.0, 13.0, {})

    assert counted(figures, None, sign=-1, value=2.0, band=None) == (figures, None)


def test_taking_a_students_whole_share_out_leaves_the_others():
    mine = counted(None, None, sign=1, value=2.0, band="high")
    theirs = counted(mine[0], None, sign=1, value=5.0, band="low")[0]

    left = without_share(theirs, mine[1])

    assert left == Figures(1, 1, 5.0, 25.0, {"low": 1})
    assert without_share(mine[0], mine[1]) is None
