import random

import pytest

from services.registry.domain.uscc import (
    ALPHABET,
    generate_uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_uscc,
)
from shared.errors import Invalid

HUAWEI = "914403001922038216"
ALIBABA = "91330100799655058B"


def invalid_messages(raw: str) -> list[str]:
    with pytest.raises(Invalid) as caught:
        validate_uscc(raw)
    assert caught.value.code == "invalid_uscc"
    assert all(error["field"] == "uscc" for error in caught.value.errors)
    return [error["message"] for error in caught.value.errors]


@pytest.mark.parametrize("code", [HUAWEI, ALIBABA])
def test_real_codes_pass(code):
    assert validate_uscc(code) == code


def test_weights_are_powers_of_three_mod_31():
    from services.registry.domain.uscc import WEIGHTS

    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_alphabet_has_31_characters_without_i_o_s_v_z():
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


def test_check_char_of_real_codes():
    assert uscc_check_char(HUAWEI[:17]) == "6"
    assert uscc_check_char(ALIBABA[:17]) == "B"


def test_check_char_zero_when_sum_is_a_multiple_of_31():
    assert uscc_check_char("0" * 17) == "0"


def test_wrong_check_char_names_the_expected_one():
    assert invalid_messages("914403001922038217") == ["check character should be '6', got '7'"]


def test_forbidden_letter_is_reported_with_its_position():
    messages = invalid_messages("91440300708461136I")
    assert len(messages) == 1
    assert "'I' at position 18 is not allowed" in messages[0]


def test_every_forbidden_character_is_reported():
    messages = invalid_messages("9O4403001922038S16")
    assert any("'O' at position 2" in m for m in messages)
    assert any("'S' at position 16" in m for m in messages)


@pytest.mark.parametrize("raw", ["", "91440300192203821", "9144030019220382166", "91"])
def test_any_length_but_18_is_rejected_with_the_length(raw):
    assert invalid_messages(raw) == [f"must be 18 characters, got {len(raw)}"]


def test_letter_in_division_part_is_rejected():
    messages = invalid_messages("91A30100799655058B")
    assert messages == ["positions 3-8 (division code) must be digits, got 'A' at position 3"]


def test_codes_may_begin_with_letters():
    first17 = "N2330100" + "79965505" + "8"
    code = first17 + uscc_check_char(first17)
    assert validate_uscc(code) == code


def test_code_starting_with_y_and_a_is_accepted():
    for prefix in ("Y1", "A1"):
        first17 = prefix + "330503" + "79965505" + "8"
        assert validate_uscc(first17 + uscc_check_char(first17)).startswith(prefix)


def test_wrong_org_code_check_char_is_reported():
    first17 = "91330100" + "79965505" + "7"
    code = first17 + uscc_check_char(first17)
    assert invalid_messages(code) == ["organization code check character (position 17) should be '8', got '7'"]


def test_org_code_and_final_check_both_reported_when_both_wrong():
    messages = invalid_messages("91330100799655057B")
    assert len(messages) == 2
    assert messages[0].startswith("organization code check character")
    assert messages[1].startswith("check character should be")


def test_org_code_check_char_maps_10_to_x():
    assert org_code_check_char("00000030") == "X"  # 3*4 = 12, 12 mod 11 = 1, 11 - 1 = 10


def test_org_code_check_char_maps_11_to_0():
    assert org_code_check_char("00000000") == "0"  # sum 0, 11 - 0 = 11


def test_org_code_check_char_is_a_digit_otherwise():
    assert org_code_check_char("00000001") == "9"  # 1*2 = 2, 11 - 2 = 9


def test_org_code_check_char_of_real_codes():
    assert org_code_check_char("19220382") == "1"
    assert org_code_check_char("79965505") == "8"


def test_org_code_letters_count_from_ten():
    # 'A' = 10 with weight 2 in the last place: 20 mod 11 = 9 -> 11 - 9 = 2
    assert org_code_check_char("0000000A") == "2"


def test_lower_case_is_accepted():
    assert validate_uscc(ALIBABA.lower()) == ALIBABA


def test_full_width_input_is_accepted():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in ALIBABA.lower())
    assert validate_uscc(full_width) == ALIBABA


def test_spaces_including_ideographic_space_are_removed():
    assert validate_uscc(" 9133 0100\u30007996\t5505 8b\n") == ALIBABA


def test_normalize_does_not_validate():
    assert normalize_uscc(" ａｂ\u3000c ") == "ABC"


def test_non_string_is_invalid():
    with pytest.raises(Invalid) as caught:
        validate_uscc(914403001922038216)
    assert caught.value.code == "invalid_uscc"


def test_check_char_helpers_reject_bad_input():
    with pytest.raises(Invalid):
        uscc_check_char("123")
    with pytest.raises(Invalid):
        uscc_check_char("9144030019220382I")
    with pytest.raises(Invalid):
        org_code_check_char("1234567")


def test_generated_codes_are_valid_and_reproducible():
    codes = [generate_uscc(random.Random(seed)) for seed in range(500)]
    assert all(validate_uscc(code) == code for code in codes)
    assert all(code.startswith("91330503") for code in codes)
    assert codes == [generate_uscc(random.Random(seed)) for seed in range(500)]


def test_generate_takes_division_registration_and_type():
    code = generate_uscc(random.Random(7), division_code="330521", registration="5", entity_type="2")
    assert code.startswith("52330521")
    assert validate_uscc(code) == code


def test_generate_rejects_a_bad_division():
    with pytest.raises(Invalid):
        generate_uscc(random.Random(1), division_code="33050")
