"""Column widths of the Word documents' tables: every word whole where the page allows."""

from __future__ import annotations

import pytest

from tracker.reports.word_base import CELL_PADDING_CM, _word_cm, fitted_widths


def test_a_column_too_narrow_for_its_longest_word_takes_room_from_the_others():
    headings = ["Gemeente", "AF", "Seksinrichting"]
    rows = [["Albrandswaard", "Onbekend", "Onbekend"]]
    widths = fitted_widths([4.0, 4.0, 2.0], headings, rows, 10)
    need = _word_cm("Seksinrichting", 10, bold=True) + CELL_PADDING_CM
    assert widths[2] == pytest.approx(need)  # widened to the bold heading
    assert sum(widths) == pytest.approx(10.0)  # the table keeps its width
    # The others give in proportion to the room they have beyond their own longest word.
    spare = [4.0 - (_word_cm(word, 10) + CELL_PADDING_CM) for word in ("Albrandswaard", "Onbekend")]
    assert (4.0 - widths[0]) / spare[0] == pytest.approx((4.0 - widths[1]) / spare[1])


def test_preferred_widths_that_hold_every_word_stay():
    widths = fitted_widths([6.0, 4.0], ["Actie", "Stand"], [["Lopend", "Rood"]], 10)
    assert widths == pytest.approx([6.0, 4.0])


def test_a_hyphenated_word_may_break_after_its_hyphen():
    assert _word_cm("Hardinxveld-Giessendam", 8) == pytest.approx(_word_cm("Hardinxveld-", 8))
    assert _word_cm("Capelle aan den IJssel", 8) == pytest.approx(_word_cm("Capelle", 8))


def test_where_the_words_do_not_fit_the_longest_break_and_the_others_stay_whole():
    headings = ["Actie", "Omschrijving", "Laatste update"]
    link = '=HYPERLINK("http://voorbeeld.test/een/lang/pad","klik")'
    rows = [["1.1", "Publiceren regionale mensenhandelmonitor.", link]]
    widths = fitted_widths([1.5, 6.5, 4.0], headings, rows, 10)
    assert sum(widths) == pytest.approx(12.0)
    assert widths[1] == pytest.approx(_word_cm(rows[0][1], 10) + CELL_PADDING_CM)
    assert widths[0] == pytest.approx(_word_cm("Actie", 10, bold=True) + CELL_PADDING_CM)
    assert widths[2] < _word_cm(link, 10)  # the link breaks


def test_words_that_all_are_too_long_share_the_table_equally():
    word = "Arbeidsuitbuitingsonderzoeken"
    widths = fitted_widths([2.0, 2.0], ["Omschrijving", "Wie"], [[word * 2, word]], 10)
    assert widths == pytest.approx([2.0, 2.0])
