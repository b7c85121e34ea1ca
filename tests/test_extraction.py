"""Figures and dates read from pasted Indonesian news text (promises/extraction.py), on five real articles and
made-up sentences for each rule."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from promises.extraction import (
    QUALIFIERS,
    Figure,
    article_date,
    counts_hint,
    dated,
    find_dates,
    find_figures,
    find_headline,
    find_outlet,
    indicator_for,
    publication_date,
    rank,
    rank_by_sentence,
    same_unit,
    speaker,
    url_month,
    urlsplit_path,
)
from promises.models import Reading

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"

# Every figure in each seed article, in order: (text as written, value, unit, qualifier).
SEED_FIGURES = {
    "000_dfdb011861a9a9ce.txt": [
        ("117%", "117", "persen", ""),
        ("87%", "87", "persen", ""),
        ("3 miliar rupiah", "3000000000", "rupiah", ""),
        ("800 unit", "800", "unit", ""),
        ("1.347 unit", "1347", "unit", ""),
        ("1 kontainer", "1", "kontainer", ""),
        ("51 kontainer", "51", "kontainer", ""),
        ("85%", "85", "persen", ""),
        ("15%", "15", "persen", ""),
    ],
    "001_56d315555a7c945e.txt": [
        ("100 Hari", "100", "hari", ""),  # the headline
        ("100 hari", "100", "hari", ""),
        ("enam bulan", "6", "bulan", ""),
        ("100 hari", "100", "hari", ""),
        ("100 hari", "100", "hari", ""),
        ("85%", "85", "persen", ""),
        ("15%", "15", "persen", ""),
        ("1.347 RT", "1347", "rt", ""),
        ("900 unit", "900", "unit", ""),
        ("Rp500 ribu", "500000", "rupiah", ""),
        ("Sekitar 600 pelaku", "600", "pelaku", "sekitar"),
        ("mencapai hingga Rp1,2 miliar", "1200000000", "rupiah", "hingga"),
        ("2 bulan", "2", "bulan", ""),
        ("Rp3 miliar", "3000000000", "rupiah", ""),
        ("20 kilogram", "20", "kilogram", ""),
        ("lebih dari 23.000 keluarga", "23000", "keluarga", "lebih_dari"),
        ("1.747 tenaga", "1747", "tenaga", ""),
        ("100%", "100", "persen", ""),
    ],
    "002_e71cea43584cce0d.txt": [
        ("20 Kelurahan", "20", "kelurahan", ""),  # the headline
        ("20", "20", "kelurahan", ""),  # "20 dari 51 Kelurahan"
        ("51 Kelurahan", "51", "kelurahan", ""),
    ],
    "003_f727d920a6324f18.txt": [
        ("30 Persen", "30", "persen", ""),  # the headline, twice
        ("100 Hari", "100", "hari", ""),
        ("30 Persen", "30", "persen", ""),
        ("100 Hari", "100", "hari", ""),
        ("22", "22", "janji", ""),  # "22 dari 72 janji"
        ("72 janji", "72", "janji", ""),
        ("100 hari", "100", "hari", ""),
        ("100 Hari", "100", "hari", ""),
        ("30 persen", "30", "persen", ""),
        ("1.300 kontainer", "1300", "kontainer", ""),
        ("satu pusat", "1", "pusat", ""),
        ("lebih dari Rp200 juta", "200000000", "rupiah", "lebih_dari"),
        ("Rp3 miliar", "3000000000", "rupiah", ""),
    ],
    "004_c769f8d908bd922b.txt": [
        ("3,5", "3.5", "", ""),  # the inclusion index score
        ("peringkat 10", "10", "peringkat", ""),
        ("Empat penghargaan", "4", "penghargaan", ""),
        ("Top 10", "10", "peringkat", ""),
        ("Top 20", "20", "peringkat", ""),
        ("8 Aksi", "8", "aksi", ""),
        ("10 Juta Bendera", "10000000", "bendera", ""),
    ],
}

# Numbers in each seed that are not figures: dates, years, times, ids, counters, names, list positions.
SEED_NOT_FIGURES = {
    "000_dfdb011861a9a9ce.txt": ["P3HI", "Sikumana 3", "(11/7)", "2019-2024", "tahun 2025", "Mei 2025"],
    "001_56d315555a7c945e.txt": ["(14/8)", "\n0\n", "0Komentar", "081236630013", "RT 13/RW 005", "467601014931533"],
    "002_e71cea43584cce0d.txt": ["-295 Dilihat", "17 Maret 2023", "1 April", "jam 9"],
    "003_f727d920a6324f18.txt": ["325x300", "\n192\n", "(14/8/2025)", "14 Agustus 2025"],
    "004_c769f8d908bd922b.txt": [
        "waktu baca 2 menit",
        "15 Apr 2025 13:09 256",
        "2024/2025",
        "15/04",
        "Anggaran 2023",
        "tahun 2023",
        "2023/2024",
        "ke-5",
        "Institute 2024",
        "TP2DD",
    ],
}

SEED_DATES = {
    "000_dfdb011861a9a9ce.txt": [
        ("Jumat (11/7)", date(2025, 7, 11), "day"),  # the year named elsewhere in the text
        ("2025", date(2025, 1, 1), "year"),
        ("Mei 2025", date(2025, 5, 1), "month"),
    ],
    "001_56d315555a7c945e.txt": [],  # "Kamis (14/8)", "bulan Agustus": no year named, none to take
    "002_e71cea43584cce0d.txt": [
        ("Jumat, 17 Maret 2023", date(2023, 3, 17), "day"),
        ("1 April", date(2023, 4, 1), "day"),
    ],
    "003_f727d920a6324f18.txt": [
        ("Kamis (14/8/2025)", date(2025, 8, 14), "day"),
        ("14 Agustus 2025", date(2025, 8, 14), "day"),
    ],
    "004_c769f8d908bd922b.txt": [
        ("Selasa, 15 Apr 2025", date(2025, 4, 15), "day"),
        ("Selasa 15/04", date(2025, 4, 15), "day"),
        ("2023", date(2023, 1, 1), "year"),
        ("2023", date(2023, 1, 1), "year"),
    ],
}


def seed(name: str) -> str:
    """The raw text of a seed article, as pasted."""
    return (SEEDS / name).read_text(encoding="utf-8")


def rows(text: str, published: date | None = None) -> list[tuple[str, str, str, str]]:
    """What find_figures reads, as (text, value, unit, qualifier)."""
    return [(f.text, str(f.value), f.unit, f.qualifier) for f in find_figures(text, published)]


def one(text: str, published: date | None = None) -> Figure:
    """The only figure in the text."""
    figures = find_figures(text, published)
    assert len(figures) == 1, figures
    return figures[0]


def nothing(text: str) -> None:
    """The text holds no figure."""
    assert find_figures(text) == [], find_figures(text)


# --- The five seed articles ---------------------------------------------------------------------------------------


def test_the_five_seed_articles_are_in_the_fixtures():
    assert sorted(path.name for path in SEEDS.glob("*.txt")) == sorted(SEED_FIGURES)


@pytest.mark.parametrize("name", sorted(SEED_FIGURES))
def test_every_figure_in_a_seed_article_is_found_with_its_value_unit_and_qualifier(name):
    assert rows(seed(name)) == SEED_FIGURES[name]


@pytest.mark.parametrize("name", sorted(SEED_FIGURES))
def test_no_date_year_time_id_or_counter_in_a_seed_article_is_reported_as_a_figure(name):
    text = seed(name)
    figures = find_figures(text, published=date(2025, 8, 15))
    for snippet in SEED_NOT_FIGURES[name]:
        at = text.index(snippet)
        assert not [f for f in figures if f.start < at + len(snippet) and f.end > at], snippet
    dates = find_dates(text, published=date(2025, 8, 15))
    assert not [f for f in figures for _, _, start, end in dates if f.start < end and f.end > start]
    assert not [f for f in figures if 1900 <= f.value <= 2099 and f.value == int(f.value)]


@pytest.mark.parametrize("name", sorted(SEED_FIGURES))
def test_each_figure_text_is_the_slice_of_the_article_at_its_offsets(name):
    text = seed(name)
    figures = find_figures(text)
    for figure in figures:
        assert text[figure.start : figure.end] == figure.text
        assert figure.text in figure.sentence or " ".join(figure.text.split()) in figure.sentence
    assert [f.start for f in figures] == sorted(f.start for f in figures)
    assert all(a.end <= b.start for a, b in zip(figures, figures[1:], strict=False))


@pytest.mark.parametrize("name", sorted(SEED_DATES))
def test_the_dates_in_a_seed_article_are_found_with_their_precision(name):
    text = seed(name)
    found = [(text[start:end], when, precision) for when, precision, start, end in find_dates(text)]
    assert found == SEED_DATES[name]


def test_a_seed_figure_is_dated_by_the_date_in_its_sentence():
    text = seed("003_f727d920a6324f18.txt")
    event = next(f for f in find_figures(text) if "Spektakuler" in f.sentence)
    assert (event.text, event.as_of, event.precision) == ("100 Hari", date(2025, 8, 14), "day")
    assert event.sentence.startswith("Hal ini disampaikan dalam kegiatan 100 Hari Kerja Spektakuler")
    assert event.sentence.endswith("Kamis (14/8/2025).")


def test_a_seed_figure_without_a_date_in_its_sentence_takes_the_nearest_one_before_in_the_paragraph():
    figures = {f.text: f for f in find_figures(seed("000_dfdb011861a9a9ce.txt"))}
    assert (figures["800 unit"].as_of, figures["800 unit"].precision) == (date(2025, 1, 1), "year")
    assert figures["51 kontainer"].as_of == date(2025, 1, 1)  # the next sentence, same paragraph
    assert figures["51 kontainer"].sentence.startswith("Selain itu, akan disediakan 51 kontainer besi")
    assert (figures["117%"].as_of, figures["117%"].precision) == (None, "")


def test_a_dateline_without_a_year_takes_it_from_the_publication_date():
    text = seed("001_56d315555a7c945e.txt")
    found = [(text[start:end], when, p) for when, p, start, end in find_dates(text, published=date(2025, 8, 15))]
    assert found == [("Kamis (14/8)", date(2025, 8, 14), "day"), ("Agustus", date(2025, 8, 1), "month")]
    first = find_figures(text, published=date(2025, 8, 15))[1]
    assert (first.text, first.as_of, first.precision) == ("100 hari", date(2025, 8, 14), "day")
    assert find_figures(text)[1].as_of is None  # without it the article names no year


# --- Numbers as Indonesian writes them ----------------------------------------------------------------------------


def test_a_thousands_dot_is_not_a_decimal():
    assert one("Total kebutuhan 1.347 unit.").value == 1347
    assert one("lebih dari 23.000 keluarga").value == 23000
    assert one("sebanyak 5.000.000 jiwa").value == 5000000


def test_a_comma_is_the_decimal_mark():
    figure = one("Angka stunting turun ke 16,3 persen.")
    assert (figure.value, figure.unit) == (Decimal("16.3"), "persen")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("dana Rp3 miliar", 3_000_000_000),
        ("dana Rp1,2 miliar", 1_200_000_000),
        ("dana Rp 200 juta", 200_000_000),
        ("harga Rp200.000 per paket", 200_000),
        ("insentif Rp500 ribu", 500_000),
        ("dana Rp3 M untuk jalan", 3_000_000_000),
        ("Rp1,5 triliun", 1_500_000_000_000),
        ("senilai 3 miliar rupiah", 3_000_000_000),
    ],
)
def test_rupiah_amounts_are_read_with_their_scale_word(text, value):
    figure = one(text)
    assert (figure.value, figure.unit) == (value, "rupiah")


def test_a_scale_word_multiplies_a_count_and_the_noun_after_it_is_the_unit():
    figure = one("sebanyak 2,5 juta penduduk")
    assert (figure.value, figure.unit, figure.text) == (2_500_000, "penduduk", "2,5 juta penduduk")


def test_a_percent_sign_and_the_word_persen_give_the_same_unit():
    assert [f.unit for f in find_figures("naik 85% dan 30 Persen")] == ["persen", "persen"]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("telah dibentuk satu pusat ekonomi", 1, "pusat"),
        ("selama enam bulan pertama", 6, "bulan"),
        ("ada sepuluh titik banjir", 10, "titik"),
        ("seratus orang hadir", 100, "orang"),
        ("Empat penghargaan diterima", 4, "penghargaan"),
    ],
)
def test_a_number_word_before_a_noun_is_a_figure(text, value, unit):
    figure = one(text)
    assert (figure.value, figure.unit) == (value, unit)


@pytest.mark.parametrize(
    "text",
    ["salah satu program", "pedagang kaki lima, serta", "program satu-satunya", "dua, tiga, empat", "Tiga Serangkai"],
)
def test_a_number_word_without_a_noun_after_it_is_not_a_figure(text):
    nothing(text)


def test_a_glued_measurement_unit_is_read():
    figure = one("jalan sepanjang 5km")
    assert (figure.value, figure.unit) == (5, "km")


def test_a_number_without_a_noun_has_no_unit():
    assert (one("dengan skor 3,5.").unit, one("dengan skor 3,5.").value) == ("", Decimal("3.5"))


# --- Qualifiers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("lebih dari 50 orang", "lebih_dari"),
        ("Lebih Dari 50 orang", "lebih_dari"),
        ("di atas 50 orang", "lebih_dari"),
        ("lebih kurang 50 orang", "sekitar"),
        ("kurang lebih 50 orang", "sekitar"),
        ("sekitar 50 orang", "sekitar"),
        ("±50 orang", "sekitar"),
        ("± 50 orang", "sekitar"),
        ("+-50 orang", "sekitar"),
        ("hampir 50 orang", "kurang_dari"),
        ("kurang dari 50 orang", "kurang_dari"),
        ("hingga 50 orang", "hingga"),
        ("sampai 50 orang", "hingga"),
        ("mencapai hingga 50 orang", "hingga"),
        ("setidaknya 50 orang", "setidaknya"),
        ("sedikitnya 50 orang", "setidaknya"),
        ("minimal 50 orang", "setidaknya"),
        ("tercatat 50 orang", ""),
    ],
)
def test_the_words_right_before_a_figure_give_its_qualifier_and_belong_to_its_text(text, qualifier):
    figure = one(text)
    assert (figure.value, figure.unit, figure.qualifier) == (50, "orang", qualifier)
    assert figure.text == (text if qualifier else "50 orang")


def test_every_qualifier_is_a_stored_value_of_the_reading_model():
    assert set(QUALIFIERS.values()) <= set(Reading.Qualifier.values)


def test_a_qualifier_word_that_is_not_right_before_the_figure_does_not_count():
    assert one("hingga saat ini ada 20 kelurahan").qualifier == ""
    assert one("sebesar 87% hingga saat ini").qualifier == ""


def test_a_qualifier_stands_before_a_rupiah_sign():
    figure = one("perputaran uang mencapai lebih dari Rp200 juta setiap akhir pekan")
    assert (figure.text, figure.value, figure.qualifier) == ("lebih dari Rp200 juta", 200_000_000, "lebih_dari")


# --- Ranges and "22 dari 72" --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("sebanyak 100-200 unit rumah", 100, 200, "unit"),
        ("sebanyak 100 - 200 unit rumah", 100, 200, "unit"),
        ("antara 5 hingga 7 persen", 5, 7, "persen"),
        ("antara 5 dan 7 persen", 5, 7, "persen"),
        ("naik 5-7%", 5, 7, "persen"),
        ("Rp100 juta hingga Rp200 juta", 100_000_000, 200_000_000, "rupiah"),
        ("Rp2-3 miliar", 2_000_000_000, 3_000_000_000, "rupiah"),
        ("10 sampai 12 titik", 10, 12, "titik"),
    ],
)
def test_a_range_is_one_figure_with_a_maximum(text, low, high, unit):
    figure = one(text)
    assert (figure.value, figure.value_max, figure.unit, figure.qualifier) == (low, high, unit, "")


def test_a_span_of_days_is_not_a_range_figure_but_a_figure_up_to_a_date_is_kept():
    assert rows("digelar 1-5 Agustus 2025 untuk 30 orang") == [("30 orang", "30", "orang", "")]
    assert rows("naik 20 persen hingga 14 Agustus 2025") == [("20 persen", "20", "persen", "")]


def test_antara_is_part_of_a_range_text_but_not_a_qualifier():
    assert one("antara 5 hingga 7 persen").text == "antara 5 hingga 7 persen"


def test_a_single_figure_has_no_maximum():
    assert one("sebanyak 51 kontainer").value_max is None


def test_n_of_m_gives_two_figures_that_count_the_same_thing():
    assert rows("menepati 22 dari 72 janji kampanye") == [("22", "22", "janji", ""), ("72 janji", "72", "janji", "")]


def test_n_percent_of_something_is_one_figure():
    assert rows("setara dengan 30 persen dari total janji") == [("30 persen", "30", "persen", "")]


# --- What is not a figure -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "pada Kamis (14/8/2025) pagi",
        "Kamis (14/8) lalu",
        "digelar 14 Agustus 2025",
        "Selasa 15/04 kemarin",
        "hingga November 2025",
        "sepanjang tahun 2023",
        "pada 2024",
        "periode 2019-2024 sebelum",
        "versi Setara Institute 2024.",
        "Sidang II Tahun 2024/2025",
        "tahun anggaran 2023/2024",
    ],
)
def test_dates_and_years_are_not_figures(text):
    nothing(text)


@pytest.mark.parametrize(
    "text",
    [
        "acara dimulai pukul 10.00 WITA di aula",
        "dimulai 10.00 WITA",
        "rapat pukul 09.30-12.00 WIB",
        "setiap hari jam 9 akan ada zoom",
        "Selasa, 15 Apr 2025 13:09 256 Times NTT",
    ],
)
def test_times_and_datelines_are_not_figures(text):
    nothing(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hubungi 081236630013 atau 0812-3663-0013.",
        "Tlp/Hp: +62 812 3663 0013",
        "Kantor (0380) 821234",
        "No. Rek. 467601014931533 a.n. Hendrik",
        "Perda Nomor 5 Tahun 2023",
        "Jl. Oekam, RT 13/RW 005 Kelurahan Sikumana",
        "lihat https://example.com/berita/2025/08/14/123456",
        "Oknum Guru SDI Sikumana 3",
    ],
)
def test_phone_numbers_ids_and_addresses_are_not_figures(text):
    nothing(text)


@pytest.mark.parametrize(
    "text",
    [
        "Baca Juga: 5 Warga Tewas Tertimbun Longsor di 3 Desa",
        "  baca juga  Pemkot Salurkan 20 Ton Beras",
        "oleh -295 Dilihat",
        "1.204 kali dibaca",
        "waktu baca 2 menit",
        "0Komentar",
        "192",
    ],
)
def test_related_article_lines_and_page_counters_are_not_figures(text):
    nothing(text)


@pytest.mark.parametrize(
    "text", ["DPC P3HI Kota Kupang", "Kota terbaik dalam TP2DD", "Example 325x300", "Opini WTP ke-5", "COVID-19", "#2"]
)
def test_numbers_glued_into_words_and_ordinals_are_not_figures(text):
    nothing(text)


def test_a_list_marker_is_not_a_figure_but_the_figure_after_it_is():
    assert rows("1. Membangun 50 rumah\n2) Menanam 300 pohon") == [
        ("50 rumah", "50", "rumah", ""),
        ("300 pohon", "300", "pohon", ""),
    ]


def test_a_year_with_a_noun_after_it_is_a_count():
    assert rows("Sebanyak 2000 orang hadir") == [("2000 orang", "2000", "orang", "")]


def test_a_duration_in_hours_and_minutes_is_two_figures():
    assert rows("selama 3 jam 30 menit") == [("3 jam", "3", "jam", ""), ("30 menit", "30", "menit", "")]


def test_a_rank_is_a_figure_counted_in_peringkat():
    assert rows("Top 10 Kompetisi Inovasi, peringkat ke-3 nasional") == [
        ("Top 10", "10", "peringkat", ""),
        ("peringkat ke-3", "3", "peringkat", ""),
    ]


def test_a_bare_number_after_a_capitalised_word_is_part_of_a_name_unless_the_word_starts_the_sentence():
    nothing("Oknum guru SDI Sikumana 3 diperiksa")
    assert rows("Jumlahnya naik. Sebanyak 20.") == [("20", "20", "", "")]


def test_a_passive_verb_after_a_number_is_not_its_unit():
    assert rows("Sebanyak 20 dibagikan") == [("20", "20", "", "")]


def test_a_figure_ends_at_a_line_break():
    assert rows("jumlahnya 12\nWarga menolak") == [("12", "12", "", "")]


# --- Dates --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("Kamis (14/8/2025)", date(2025, 8, 14), "day"),
        ("(14/8/2025)", date(2025, 8, 14), "day"),
        ("(14/8/25)", date(2025, 8, 14), "day"),
        ("14 Agustus 2025", date(2025, 8, 14), "day"),
        ("15 Apr 2025", date(2025, 4, 15), "day"),
        ("1 Agt 2025", date(2025, 8, 1), "day"),
        ("2 Ags 2025", date(2025, 8, 2), "day"),
        ("3 Agu 2025", date(2025, 8, 3), "day"),
        ("4 Des 2024", date(2024, 12, 4), "day"),
        ("5 Okt. 2024", date(2024, 10, 5), "day"),
        ("6 Mei 2024", date(2024, 5, 6), "day"),
        ("hingga November 2025", date(2025, 11, 1), "month"),
        ("pada Jan 2025", date(2025, 1, 1), "month"),
        ("pada 2024", date(2024, 1, 1), "year"),
        ("tahun 2024", date(2024, 1, 1), "year"),
    ],
)
def test_a_date_with_its_year_is_read_with_its_precision(text, expected, precision):
    assert [(when, found) for when, found, _, _ in find_dates(text)] == [(expected, precision)]


def test_a_date_without_a_year_takes_the_publication_year():
    assert find_dates("Kamis (14/8)", published=date(2025, 8, 15))[0][:2] == (date(2025, 8, 14), "day")
    assert find_dates("Selasa 15/04", published=date(2025, 8, 15))[0][0] == date(2025, 4, 15)


def test_a_date_without_a_year_is_never_after_the_publication_date():
    assert find_dates("Kamis (14/8)", published=date(2025, 8, 1))[0][0] == date(2024, 8, 14)


def test_a_date_said_to_come_takes_the_next_year_with_it_ahead():
    assert find_dates("1 April nanti", published=date(2025, 8, 15))[0][0] == date(2026, 4, 1)


def test_without_a_publication_date_a_date_takes_the_year_named_elsewhere_in_the_text():
    text = "Kamis (14/8) ada rapat. Acara serupa digelar 2 Mei 2024."
    assert [when for when, _, _, _ in find_dates(text)] == [date(2024, 8, 14), date(2024, 5, 2)]


def test_without_any_year_a_date_without_one_is_skipped_but_is_still_no_figure():
    assert find_dates("Kamis (14/8) pagi") == []
    nothing("Kamis (14/8) pagi")


def test_an_impossible_date_is_skipped():
    assert find_dates("(31/2/2025)") == []


def test_date_offsets_point_at_the_date_in_the_text():
    text = "Rapat digelar Jumat, 17 Maret 2023 di aula."
    [(when, precision, start, end)] = find_dates(text)
    assert text[start:end] == "Jumat, 17 Maret 2023"


def test_a_figure_is_dated_by_the_nearest_date_in_its_sentence():
    figure = one("Hingga 14 Agustus 2025 tercatat 1.300 kontainer, naik dari tahun 2024.")
    assert (figure.as_of, figure.precision) == (date(2025, 8, 14), "day")


def test_a_date_in_another_paragraph_does_not_date_a_figure():
    assert one("Pada 14 Agustus 2025 rapat digelar.\nSebanyak 51 kontainer dibagikan.").as_of is None


def test_a_date_after_the_figure_in_another_sentence_does_not_date_it():
    assert one("Sebanyak 51 kontainer dibagikan. Rapat digelar 14 Agustus 2025.").as_of is None


def test_a_figure_dated_by_a_month_has_month_precision():
    figure = one("hingga November 2025 sebanyak 900 unit tersedia")
    assert (figure.as_of, figure.precision) == (date(2025, 11, 1), "month")


# --- Sentences ----------------------------------------------------------------------------------------------------


def test_the_sentence_of_a_figure_is_whole_with_whitespace_collapsed():
    text = "Wali Kota dr. Christian  menyiapkan\tRp3 miliar di RSUD S.K Lerik. Dana itu untuk warga."
    assert one(text).sentence == "Wali Kota dr. Christian menyiapkan Rp3 miliar di RSUD S.K Lerik."


def test_each_figure_gets_its_own_sentence():
    figures = find_figures("Sebanyak 5 orang hadir. Sebanyak 6 orang absen!")
    assert [f.sentence for f in figures] == ["Sebanyak 5 orang hadir.", "Sebanyak 6 orang absen!"]


# --- Ranking ------------------------------------------------------------------------------------------------------

CANDIDATES = [
    ("beasiswa", "Beasiswa bagi mahasiswa kurang mampu"),
    ("kontainer", "Kontainer sampah di setiap RT"),
    ("tpst", "Sampah diolah di TPST setiap kecamatan"),
    ("umkm", "Pusat ekonomi UMKM"),
]


def test_candidates_are_ranked_by_the_content_words_they_share_with_the_text():
    text = "Pemkot menyediakan kontainer sampah di setiap RT dan TPST."
    assert rank(text, CANDIDATES) == ["kontainer", "tpst"]


def test_candidates_sharing_nothing_but_stopwords_are_left_out():
    assert rank("yang dan di bagi untuk", CANDIDATES) == []


def test_equal_scores_keep_the_order_given():
    assert rank("sampah", CANDIDATES) == ["kontainer", "tpst"]
    assert rank("sampah", list(reversed(CANDIDATES))) == ["tpst", "kontainer"]


def test_ranking_folds_case_and_accents_and_strips_nya():
    candidates = [(1, "Ekonomi kreatif"), (2, "Target sampah")]
    assert rank("EKONOMI KRÉATIF", candidates) == [1]
    assert rank("targetnya tercapai", candidates) == [2]


def test_ranking_returns_at_most_the_limit_and_reads_any_iterable():
    candidates = ((n, f"sampah nomor {n}") for n in range(10))
    assert rank("sampah kontainer", candidates, limit=3) == [0, 1, 2]


def test_words_every_article_about_this_government_shares_do_not_rank():
    assert rank("Wali Kota Kupang menepati janji kampanye", [("a", "Janji Wali Kota Kupang"), ("b", "sampah")]) == []


def test_numbers_alone_do_not_make_a_candidate_match():
    assert rank("sebanyak 1.347 kontainer", [("a", "1.347"), ("b", "kontainer sampah")]) == ["b"]


def test_a_round_up_names_each_promise_in_the_order_it_brings_them_up():
    text = (
        "Pemkot menyalurkan tempat sampah untuk setiap RT. Mobil pengantin gratis sudah dipakai warga. "
        "Liang lahat gratis juga berjalan."
    )
    candidates = [
        ("lahat", "Liang lahat gratis bagi warga"),
        ("sampah", "Tempat sampah di setiap RT"),
        ("mobil", "Mobil pengantin gratis"),
        ("lain", "Beasiswa kuliah"),
    ]
    assert rank_by_sentence(text, candidates) == ["sampah", "mobil", "lahat"]


# --- What a figure counts, and the day an article reports on ------------------------------------------------------

# Every figure the effort scripts record from the seeds, with what its clause says it counts ("" = no word says so,
# the editor chooses) and the word that says so.
SEED_COUNTS = {
    "000_dfdb011861a9a9ce.txt": {
        "117%": ("", ""),
        "87%": ("", ""),
        "3 miliar rupiah": ("allocated", "Dana Pengaman"),
        "800 unit": ("allocated", "mengalokasikan"),  # "akan mengalokasikan dana untuk pengadaan 800 unit"
        "1.347 unit": ("target", "kebutuhan"),  # "dari total kebutuhan 1.347 unit"
        "51 kontainer": ("target", "disediakan"),  # "akan disediakan 51 kontainer": a plan
    },
    "001_56d315555a7c945e.txt": {
        "1.347 RT": ("", ""),
        "900 unit": ("delivered", "tersedia"),
        "Sekitar 600 pelaku": ("used", "difasilitasi"),
        "mencapai hingga Rp1,2 miliar": ("used", "perputaran"),
        "Rp3 miliar": ("allocated", "menyiapkan dana"),
        "lebih dari 23.000 keluarga": ("delivered", "kepada"),
        "1.747 tenaga": ("delivered", "menerima"),
    },
    "003_f727d920a6324f18.txt": {
        "1.300 kontainer": ("procured", "mengadakan"),
        "lebih dari Rp200 juta": ("used", "perputaran"),
        "Rp3 miliar": ("allocated", "menempatkan dana"),
    },
}


@pytest.mark.parametrize("name", sorted(SEED_COUNTS))
def test_what_a_seed_figure_counts_is_read_from_the_words_of_its_clause(name):
    found = {f.text: counts_hint(f) for f in find_figures(seed(name))}
    assert {text: found[text] for text in SEED_COUNTS[name]} == SEED_COUNTS[name]


@pytest.mark.parametrize(
    "text, counts",
    [
        ("Pemkot menargetkan 500 sumur bor tahun ini.", "target"),
        ("Sebanyak 300 paket sembako dibagikan kepada warga.", "delivered"),
        ("Pemkot akan membagikan 300 paket sembako.", "target"),  # a plan, no money allocated
        ("Anggaran sebesar Rp2 miliar disiapkan untuk beasiswa.", "allocated"),
        ("Omzet pedagang mencapai Rp50 juta.", "used"),
        ("Dinas telah membeli 12 truk sampah.", "procured"),
        ("Wali kota mengklaim telah menepati 22 janji.", "claimed"),
        ("Jumlah warga tercatat 450.000 jiwa.", ""),
        ("Ada 20 kelurahan kumuh, sedangkan 12 unit sudah diserahkan.", ""),  # the cue is in the other clause
    ],
)
def test_a_word_in_the_figure_s_own_clause_says_what_it_counts(text, counts):
    assert counts_hint(find_figures(text)[0])[0] == counts


@pytest.mark.parametrize(
    "name, url, day",
    [
        ("000_dfdb011861a9a9ce.txt", "https://www.jejakhukumindonesia.com/2025/07/x.html", date(2025, 7, 11)),
        ("001_56d315555a7c945e.txt", "https://www.liputanntt.com/2025/08/x.html", date(2025, 8, 14)),
        ("001_56d315555a7c945e.txt", "https://seed.invalid/001", None),  # "Kamis (14/8)", no year anywhere
        ("002_e71cea43584cce0d.txt", "", date(2023, 3, 17)),
        ("003_f727d920a6324f18.txt", "https://detikntt.com/x/", date(2025, 8, 14)),
        ("004_c769f8d908bd922b.txt", "", date(2025, 4, 15)),
    ],
)
def test_the_day_a_seed_article_reports_on_is_its_dateline(name, url, day):
    assert article_date(seed(name), url=url) == day


def test_a_known_publication_date_is_the_article_s_day():
    assert article_date("Kamis (14/8) ada rapat.", published=date(2024, 8, 20)) == date(2024, 8, 20)


def test_the_url_month_is_the_last_day_of_the_month_it_names():
    assert url_month("https://x.example/2024/02/judul") == date(2024, 2, 29)
    assert url_month("https://x.example/2025/12/judul.html") == date(2025, 12, 31)
    assert url_month("https://x.example/2025/13/judul") is None
    assert url_month("") is None


@pytest.mark.parametrize(
    "text, day, expected",
    [
        ("Pemkot menyerahkan 10 unit.", date(2025, 8, 14), (date(2025, 8, 14), "day")),  # no date of its own
        ("Pada tahun 2025 diserahkan 10 unit.", date(2025, 8, 14), (date(2025, 8, 14), "day")),  # its year
        ("Pada bulan Agustus 2025 diserahkan 10 unit.", date(2025, 8, 14), (date(2025, 8, 14), "day")),
        ("Pada Mei 2025 diserahkan 10 unit.", date(2025, 8, 14), (date(2025, 5, 1), "month")),  # another month
        ("Pada tahun 2023 diserahkan 10 unit.", date(2025, 8, 14), (date(2023, 1, 1), "year")),  # another year
        ("Pada 2 Juli 2025 diserahkan 10 unit.", date(2025, 8, 14), (date(2025, 7, 2), "day")),  # its own day
        ("Pemkot menyerahkan 10 unit.", None, (None, "")),
    ],
)
def test_a_figure_holds_at_its_own_date_or_at_the_article_s_day_when_that_is_more_precise(text, day, expected):
    assert dated(one(text), day) == expected


# --- A new source read from the pasted page: outlet, headline ------------------------------------------------------

OUTLETS = ["Jejak Hukum Indonesia", "Liputan NTT", "Suara-NTT", "DetikNTT", "Timesntt", "Inihari", "Detik Bali"]
SEED_SOURCES = [
    # (seed, URL, outlet found, headline found)
    (
        "000_dfdb011861a9a9ce.txt",
        "https://www.jejakhukumindonesia.com/2025/07/wali-kota-terima-audiensi-anggota.html",
        "Jejak Hukum Indonesia",  # "KUPANG;Jejakhukumindonesia.com,Wali Kota"
        "Wali Kota Terima Audiensi Anggota Komisi V DPRD NTT Muhammad Ansor, Bahas Sinkronisasi Program Strategis",
    ),
    (
        "001_56d315555a7c945e.txt",
        "https://www.liputanntt.com/2025/08/100-hari-kerja-wali-kota-dan-wakil-wali.html",
        "Liputan NTT",
        "100 Hari Kerja, Wali Kota dan Wakil Wali Kota Kupang Paparkan Capaian dan Komitmen Pelayanan Publik",
    ),
    (
        "002_e71cea43584cce0d.txt",
        "https://seed.invalid/002",
        "Suara-NTT",  # "Suara-ntt.com, Kupang-…"
        "20 Kelurahan di Kota Kupang Masuk Kategori Daerah Kumuh",
    ),
    (
        "003_f727d920a6324f18.txt",
        "https://detikntt.com/wali-kota-kupang-penuhi-30-persen-janji-kampanye-di-100-hari-kerja/",
        "DetikNTT",  # "DetikNTT.com||Kupang"
        "Wali Kota Kupang Penuhi 30 Persen Janji Kampanye di 100 Hari Kerja",
    ),
    ("004_c769f8d908bd922b.txt", "https://seed.invalid/004", "Timesntt", "Deretan Prestasi Pemkot Kupang"),
]


@pytest.mark.parametrize("name, url, outlet, headline", SEED_SOURCES)
def test_a_seed_article_s_outlet_and_headline_are_read_from_its_page_text(name, url, outlet, headline):
    assert find_outlet(seed(name), OUTLETS) == outlet
    assert find_headline(seed(name), url) == headline


@pytest.mark.parametrize(
    "text, outlet",
    [
        ("Menurut ini hari pemkot, 12 unit tiba.", ""),  # two words that spell an outlet are not it
        ("KUPANG, TIMESNTT.COM - Wali kota …", "Timesntt"),
        ("Times NTT melaporkan …", "Timesntt"),  # two words written together
        ("Dilaporkan Detik Bali hari ini.", "Detik Bali"),
        ("Tidak ada nama media di sini.", ""),
    ],
)
def test_only_an_outlet_named_as_a_whole_word_is_found(text, outlet):
    assert find_outlet(text, OUTLETS) == outlet


def test_without_a_slug_a_headline_is_the_line_the_page_repeats_else_the_first_title_like_line():
    repeated = (
        "Menu\nBerita Utama Hari Ini\nPemkot Bagikan Beras ke Warga\nIsi berita.\nPemkot Bagikan Beras ke Warga\n"
    )
    assert find_headline(repeated) == "Pemkot Bagikan Beras ke Warga"
    assert find_headline("Menu\nPemkot Bagikan Beras ke Warga\nPemkot membagikan beras kepada warga.") == (
        "Pemkot Bagikan Beras ke Warga"
    )
    assert find_headline("Satu.\nDua kata\n") == ""


def test_a_url_s_last_path_part_is_its_slug():
    assert urlsplit_path("https://x.example/2025/08/judul-berita.html?utm=1#a") == "judul-berita"
    assert urlsplit_path("https://x.example/judul-berita/") == "judul-berita"
    assert urlsplit_path("https://x.example/") == ""


@pytest.mark.parametrize(
    "text, unit, same",
    [
        ("Beras dibagikan kepada 23.000 keluarga.", "KK", True),
        ("Sekitar 600 pelaku UMKM berdagang.", "UMKM", True),
        ("Sekitar 600 pelaku seni tampil.", "UMKM", False),  # "pelaku" alone is anyone
        ("Ada 1.300 kontainer sampah.", "kontainer", True),
        ("Ada 1.300 kontainer sampah.", "unit", False),  # another word, not an equivalent
        ("Sebanyak 450 jiwa terdampak.", "orang", True),
    ],
)
def test_a_figure_counts_in_an_indicator_s_unit_when_it_uses_that_word_or_a_plain_equivalent(text, unit, same):
    assert same_unit(unit, one(text), text) is same


INDICATORS = [
    ("uhc", "Cakupan jaminan kesehatan UHC penduduk terdaftar JKN", "persen"),
    ("non-cut-off", "Angka UHC non cut-off tingkat kota", "persen"),
    ("bins", "Tempat sampah untuk setiap RT", "unit"),
    ("rice", "Penerima bantuan beras", "KK"),
]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Cakupan UHC Kota Kupang mencapai 117%.", "uhc"),  # a share: two words say which
        ("Sebanyak 85% sampah dikelola di tingkat kecamatan.", None),  # a share sharing one word: no guess
        ("Pemkot menyediakan 900 unit tempat sampah.", "bins"),
        ("Bantuan beras diterima 23.000 keluarga.", "rice"),  # an equivalent of the unit
        ("Pemkot menyediakan 900 truk.", None),  # no indicator counts trucks
    ],
)
def test_a_suggested_indicator_counts_in_the_figure_s_unit_and_shares_its_words(text, expected):
    assert indicator_for(one(text), text, INDICATORS) == expected


def test_a_long_article_brings_a_promise_over_the_whole_text_only_when_they_share_several_words():
    filler = " ".join(f"kata{n}x" for n in range(200))  # 200 different words: a long article
    text = f"{filler} Pemkot menambah armada truk sampah baru dan jadwal angkut."
    candidates = [("truk", "Truk sampah armada angkut jadwal"), ("taman", "Taman kota sampah")]
    assert rank_by_sentence(text, candidates, limit=5) == ["truk"]  # "taman" shares one word of 200
    assert rank_by_sentence("Taman kota penuh sampah.", candidates, limit=5)[0] == "taman"  # a short text: one will do


@pytest.mark.parametrize(
    "name, published",
    [
        ("000_dfdb011861a9a9ce.txt", None),  # "Jumat (11/7)" is when the audience took place, inside a sentence
        ("001_56d315555a7c945e.txt", None),  # "… digelar di Hotel Harper, Kamis (14/8)": the event
        ("002_e71cea43584cce0d.txt", None),
        ("003_f727d920a6324f18.txt", None),
        ("004_c769f8d908bd922b.txt", date(2025, 4, 15)),  # "Selasa, 15 Apr 2025 13:09 256 Times NTT"
    ],
)
def test_a_seed_article_s_publication_date_is_read_only_from_a_time_stamp_or_a_dateline(name, published):
    assert publication_date(seed(name)) == published


@pytest.mark.parametrize(
    "text, published",
    [
        ("Judul\nSelasa, 15 Apr 2025 13:09\nIsi berita.", date(2025, 4, 15)),  # a time stamp line
        ("KUPANG, Media.com - Kamis (14/8/2025) – Pemkot menyerahkan bantuan.", date(2025, 8, 14)),  # a dateline
        ("Pemkot menyerahkan bantuan kepada warga di kantor lurah pada Kamis (14/8/2025).", None),  # an event
    ],
)
def test_only_a_time_stamp_or_a_dateline_says_when_an_article_was_published(text, published):
    assert publication_date(text) == published


def test_a_count_far_beyond_an_indicator_s_whole_target_is_not_guessed_to_belong_to_it():
    text = "Pemkot Kupang telah mengadakan 1.300 kontainer sampah."
    steel = [("steel", "Kontainer besi untuk setiap kelurahan sampah", "kontainer", Decimal(51))]
    assert indicator_for(one(text), text, steel) is None  # 25 times its target of 51: other bins
    assert indicator_for(one("Pemkot menyerahkan 40 kontainer sampah."), "", steel) == "steel"
    assert indicator_for(one(text), text, [(*steel[0][:3], None)]) == "steel"  # no target: nothing to compare


# --- who an article mostly quotes (extraction.speaker), for "Disampaikan oleh" ---

HEAD, DEPUTY = "dr. Christian Widodo", "Serena Cosgrova Francis"


def test_the_seed_articles_quoting_the_mayor_say_so_with_the_words_that_say_it():
    found = {
        path.name[:3]: speaker(path.read_text(encoding="utf-8"), HEAD, DEPUTY) for path in sorted(SEEDS.glob("*.txt"))
    }
    assert found == {
        "000": ("wali_kota", "Wali Kota Kupang menyampaikan"),
        "001": ("wali_kota", "ujar dr. Christian"),
        "002": None,  # the acting mayor of 2023 and others: not the head of this government
        "003": ("wali_kota", "Christian menyebut"),
        "004": ("wali_kota", "Wali Kota Kupang, dr. Christian Widodo memaparkan"),
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Wakil Wali Kota Serena mengatakan ada 10 unit. “Siap,” ujar Serena.", "wakil_wali_kota"),
        ("Wali Kota mengatakan 10 unit. Wakil Wali Kota menegaskan 12 unit.", None),  # one each: no choice
        ("Wali Kota mengatakan 10 unit.", None),  # said once: too little to go on
        ("Penjabat Wali Kota George mengatakan 20. Pj Wali Kota menegaskan 21.", None),  # not the elected head
        ("Ketua DPRD Richard Odja mengatakan 5 unit. “Cukup,” ujar Richard Odja. Wali Kota menyebut 7.", None),
        ("Wali Kota dan Wakil Wali Kota memaparkan capaian. Keduanya mengatakan 30 persen.", None),
        ("Wali Kota Kupang meninjau 1.300 kontainer. Wali Kota hadir di Oesapa.", None),  # no word of saying
    ],
)
def test_no_speaker_is_suggested_without_a_clear_most_quoted_head_or_deputy(text, expected):
    found = speaker(text, HEAD, DEPUTY)
    assert (found[0] if found else None) == expected
