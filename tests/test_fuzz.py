"""A few hundred fuzzed files through every CSV loader (make fuzz runs 10,000)."""

from tests import fuzz_loaders


def test_fuzzed_files_give_valid_data_or_a_readable_value_error():
    outcomes, failures = fuzz_loaders.run(400, seed=2026)
    assert failures == []
    assert sum(outcomes.values()) == 400
    # the generator must produce both kinds, or it is not exercising the loader
    assert any(key.endswith(": ok") for key in outcomes)
    assert any(key.startswith("review csv: ok") for key in outcomes)
    assert any(key.endswith(": rejected") for key in outcomes)
