"""The arithmetic of rollup figures: counting one observation in, or taking it back out.

A cell keeps, per measure, `Figures` (distinct students, observations, sum, sum of squares,
students per band); each of its members keeps their own `Share` of it (observations, sum, sum
of squares, observations per band), so that taking back one observation, or a whole student,
reverses exactly what was added. Both are stored as JSON lists (`RollupCell.figures`,
`CellMember.figures`). Plain Python: no database here.
"""

from typing import NamedTuple


class Figures(NamedTuple):
    """One measure's figures in one cell."""

    n_students: int
    n_obs: int
    total: float
    total_sq: float
    band_counts: dict[str, int]

    def stored(self) -> list:
        return list(self)


class Share(NamedTuple):
    """One student's share of one measure's figures in one cell."""

    n_obs: int
    total: float
    total_sq: float
    band_counts: dict[str, int]

    def stored(self) -> list:
        return list(self)


NO_FIGURES = Figures(0, 0, 0.0, 0.0, {})
NO_SHARE = Share(0, 0.0, 0.0, {})


def counted(
    figures: Figures | None, share: Share | None, *, sign: int, value: float, band: str | None
) -> tuple[Figures | None, Share | None]:
    """The cell's figures and the student's share after counting one observation (sign=1) or
    taking one back (sign=-1); None where nothing is left. Taking back what was never counted
    changes nothing."""
    if sign < 0 and (share is None or figures is None):
        return figures, share
    share = share or NO_SHARE
    figures = figures or NO_FIGURES
    n_students = figures.n_students + (1 if share.n_obs == 0 else 0)
    share_bands, cell_bands = share.band_counts, figures.band_counts
    if band is not None:
        before = share_bands.get(band, 0)
        share_bands = with_band(share_bands, band, sign)
        if before == 0 and sign > 0:
            cell_bands = with_band(cell_bands, band, 1)
        elif before > 0 and before + sign <= 0:
            cell_bands = with_band(cell_bands, band, -1)
    share = Share(
        n_obs=share.n_obs + sign,
        total=share.total + sign * value,
        total_sq=share.total_sq + sign * value * value,
        band_counts=share_bands,
    )
    if share.n_obs <= 0:
        share = None
        n_students -= 1
    figures = Figures(
        n_students=n_students,
        n_obs=figures.n_obs + sign,
        total=figures.total + sign * value,
        total_sq=figures.total_sq + sign * value * value,
        band_counts=cell_bands,
    )
    return (figures if figures.n_obs > 0 else None), share


def without_share(figures: Figures, share: Share) -> Figures | None:
    """The cell's figures once a student's whole share is taken out (account deletion)."""
    bands = figures.band_counts
    for band in share.band_counts:
        bands = with_band(bands, band, -1)
    left = Figures(
        n_students=figures.n_students - 1,
        n_obs=figures.n_obs - share.n_obs,
        total=figures.total - share.total,
        total_sq=figures.total_sq - share.total_sq,
        band_counts=bands,
    )
    return left if left.n_obs > 0 else None


def with_band(counts: dict[str, int], band: str, change: int) -> dict[str, int]:
    """`counts` with one band's count changed; a band that reaches zero is dropped (as a
    rebuild would never write it)."""
    changed = dict(counts)
    left = changed.get(band, 0) + change
    if left > 0:
        changed[band] = left
    else:
        changed.pop(band, None)
    return changed
