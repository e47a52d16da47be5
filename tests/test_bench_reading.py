"""The reading benchmark measures what it says: each shape at its size, each reader on the text it is given
(never its speed)."""

from bench.reading import READERS, SHAPES, Timing, measure, slowest, superlinear, text_of


def test_every_shape_is_made_to_the_size_asked():
    for shape in SHAPES:
        assert len(text_of(shape, 1_000)) == 1_000
        assert text_of(shape, 1_000).startswith(SHAPES[shape])


def test_each_reader_is_timed_on_each_shape_at_a_quarter_half_and_all_of_its_cap():
    timings = measure(scale=0.001, shapes=("names", "dashes"))

    assert len(timings) == len(READERS) * 2 * 3
    for reader in READERS:
        sizes = [t.size for t in timings if t.reader == reader and t.shape == "names"]
        assert sizes == [max(8, round(reader.cap * 0.001)) // d for d in (4, 2, 1)]
    assert all(t.seconds >= 0 for t in timings)
    assert [t.growth is None for t in timings[:3]] == [True, False, False]


def test_a_reading_is_superlinear_when_it_grew_past_three_times_at_both_doublings_and_took_long_enough_to_tell():
    reader = READERS[0]
    timings = [Timing(reader, "names", 5_000, 0.03, None), Timing(reader, "names", 10_000, 0.12, 4.0),
               Timing(reader, "names", 20_000, 0.5, 4.2),
               Timing(reader, "lines", 5_000, 0.1, None), Timing(reader, "lines", 10_000, 0.2, 2.0),
               Timing(reader, "lines", 20_000, 0.8, 4.0),  # once: a threshold crossed, not a quadratic
               Timing(reader, "commas", 5_000, 0.0001, None), Timing(reader, "commas", 10_000, 0.0004, 4.0),
               Timing(reader, "commas", 20_000, 0.0016, 4.0)]  # too quick to tell

    assert superlinear(timings) == [timings[2]]
    assert slowest(timings, 2).count("\n") == 3 and "lines" in slowest(timings, 2).splitlines()[2]
