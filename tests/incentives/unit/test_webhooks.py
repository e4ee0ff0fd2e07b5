import base64
from datetime import UTC, datetime, timedelta

import pytest

from services.incentives.domain.webhooks import (
    DEFAULT_SCHEDULE,
    DeliveryOutcome,
    RetryPolicy,
    check_webhook_url,
    classify_response,
    decode_secret,
    generate_secret,
    is_forbidden_address,
    next_attempt_at,
    signature,
    signed_headers,
    verify,
)
from shared.errors import Invalid, Unauthorized

# The published Standard Webhooks test vector.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def headers(sig=EXPECTED, msg_id=MSG_ID, timestamp=TIMESTAMP):
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": sig}


# --- secrets and signing ---


def test_signature_matches_the_standard_webhooks_test_vector():
    assert signature(SECRET, MSG_ID, TIMESTAMP, BODY) == EXPECTED


def test_a_text_body_signs_like_its_utf8_bytes():
    assert signature(SECRET, MSG_ID, TIMESTAMP, BODY.decode()) == EXPECTED


def test_a_secret_without_its_prefix_signs_the_same():
    assert signature(SECRET.removeprefix("whsec_"), MSG_ID, TIMESTAMP, BODY) == EXPECTED


def test_generated_secrets_carry_32_random_bytes_behind_the_prefix():
    first, second = generate_secret(), generate_secret()
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
    assert len(decode_secret(first)) == 32
    assert first != second


@pytest.mark.parametrize("secret", ["whsec_", "whsec_not base64!", ""])
def test_a_malformed_secret_is_invalid(secret):
    with pytest.raises(Invalid) as excinfo:
        decode_secret(secret)
    assert excinfo.value.code == "invalid_webhook_secret"


def test_signed_headers_name_the_three_standard_headers():
    assert signed_headers(SECRET, MSG_ID, TIMESTAMP, BODY) == headers()


# --- verification ---


def test_verify_accepts_the_test_vector():
    verify(SECRET, headers(), BODY, now=TIMESTAMP)


def test_verify_reads_header_names_case_insensitively():
    verify(SECRET, {k.title(): v for k, v in headers().items()}, BODY, now=TIMESTAMP)


def test_verify_accepts_a_space_separated_list_with_one_good_signature():
    sig = f"v1,Zm9vYmFy v1a,c29tZXRoaW5n {EXPECTED}"
    verify(SECRET, headers(sig=sig), BODY, now=TIMESTAMP)


def test_a_matching_value_under_another_version_is_ignored():
    with pytest.raises(Unauthorized) as excinfo:
        verify(SECRET, headers(sig=EXPECTED.replace("v1,", "v2,")), BODY, now=TIMESTAMP)
    assert excinfo.value.code == "invalid_signature"


def test_a_tampered_body_is_refused():
    with pytest.raises(Unauthorized) as excinfo:
        verify(SECRET, headers(), b'{"test": 2432232315}', now=TIMESTAMP)
    assert excinfo.value.code == "invalid_signature"
    assert excinfo.value.status == 401


def test_another_secret_is_refused():
    with pytest.raises(Unauthorized) as excinfo:
        verify(generate_secret(), headers(), BODY, now=TIMESTAMP)
    assert excinfo.value.code == "invalid_signature"


def test_a_signature_for_another_message_id_is_refused():
    with pytest.raises(Unauthorized):
        verify(SECRET, headers(msg_id="msg_other"), BODY, now=TIMESTAMP)


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_timestamps_within_tolerance_are_accepted(offset):
    verify(SECRET, headers(), BODY, now=TIMESTAMP + offset)


@pytest.mark.parametrize("offset", [-301, 301, 86400])
def test_timestamps_outside_tolerance_are_refused_old_or_future(offset):
    with pytest.raises(Unauthorized) as excinfo:
        verify(SECRET, headers(), BODY, now=TIMESTAMP + offset)
    assert excinfo.value.code == "timestamp_out_of_tolerance"


def test_the_tolerance_can_be_narrowed():
    with pytest.raises(Unauthorized):
        verify(SECRET, headers(), BODY, now=TIMESTAMP + 61, tolerance=60)


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"webhook-id": MSG_ID, "webhook-timestamp": str(TIMESTAMP)},
        {"webhook-timestamp": str(TIMESTAMP), "webhook-signature": EXPECTED},
        headers() | {"webhook-timestamp": "yesterday"},
        headers() | {"webhook-timestamp": "-1614265330"},
        headers() | {"webhook-timestamp": "١٦١٤٢٦٥٣٣٠"},
    ],
    ids=["none", "no signature", "no id", "words", "negative", "non-ascii digits"],
)
def test_missing_or_malformed_headers_are_refused(bad):
    with pytest.raises(Unauthorized) as excinfo:
        verify(SECRET, bad, BODY, now=TIMESTAMP)
    assert excinfo.value.code == "invalid_signature"


def test_a_round_trip_with_a_fresh_secret_verifies():
    secret, body = generate_secret(), b'{"type": "incentives.measure.pushed.v1"}'
    verify(secret, signed_headers(secret, "msg_1", 1_700_000_000, body), body, now=1_700_000_010)


# --- retries ---

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def test_the_default_schedule_is_the_standard_webhooks_one():
    assert DEFAULT_SCHEDULE == (
        timedelta(0),
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=10),
    )
    assert RetryPolicy().max_attempts == 8


def test_each_failed_attempt_waits_the_next_delay_of_the_schedule():
    policy = RetryPolicy()
    waits = [next_attempt_at(policy, attempt, NOW) - NOW for attempt in range(1, 8)]
    assert waits == list(DEFAULT_SCHEDULE[1:])


def test_after_the_last_attempt_the_delivery_fails_for_manual_redelivery():
    assert next_attempt_at(RetryPolicy(), 8, NOW) is None
    assert next_attempt_at(RetryPolicy(), 8, NOW, retry_after=timedelta(seconds=1)) is None


def test_a_longer_retry_after_is_honoured():
    assert next_attempt_at(RetryPolicy(), 1, NOW, retry_after=timedelta(minutes=2)) == NOW + timedelta(minutes=2)


def test_a_shorter_retry_after_does_not_hurry_the_schedule():
    assert next_attempt_at(RetryPolicy(), 3, NOW, retry_after=timedelta(seconds=1)) == NOW + timedelta(minutes=30)


def test_a_custom_schedule_is_used():
    policy = RetryPolicy((timedelta(0), timedelta(minutes=1)))
    assert next_attempt_at(policy, 1, NOW) == NOW + timedelta(minutes=1)
    assert next_attempt_at(policy, 2, NOW) is None


def test_attempt_numbers_start_at_one():
    with pytest.raises(ValueError):
        next_attempt_at(RetryPolicy(), 0, NOW)


@pytest.mark.parametrize("schedule", [(), (timedelta(0), timedelta(seconds=-1))])
def test_an_empty_or_negative_schedule_is_refused(schedule):
    with pytest.raises(ValueError):
        RetryPolicy(schedule)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, DeliveryOutcome.DELIVERED),
        (202, DeliveryOutcome.DELIVERED),
        (204, DeliveryOutcome.DELIVERED),
        (299, DeliveryOutcome.DELIVERED),
        (410, DeliveryOutcome.DISABLE),
        (408, DeliveryOutcome.RETRY),
        (429, DeliveryOutcome.RETRY),
        (500, DeliveryOutcome.RETRY),
        (502, DeliveryOutcome.RETRY),
        (503, DeliveryOutcome.RETRY),
        (504, DeliveryOutcome.RETRY),
        (None, DeliveryOutcome.RETRY),
        (400, DeliveryOutcome.RETRY),
        (401, DeliveryOutcome.RETRY),
        (403, DeliveryOutcome.RETRY),
        (404, DeliveryOutcome.RETRY),
        (301, DeliveryOutcome.RETRY),
        (100, DeliveryOutcome.RETRY),
    ],
)
def test_responses_are_classified(status, outcome):
    assert classify_response(status) is outcome


def test_outcomes_compare_as_plain_strings():
    assert classify_response(200) == "delivered"
    assert classify_response(410) == "disable"
    assert classify_response(503) == "retry"


# --- private address guard ---


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.1.1",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd00:ec2::254",
        "224.0.0.1",
        "239.255.255.250",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "0.0.0.0",
        "::",
        "100.64.0.1",
        "100.127.255.254",
        "198.18.0.1",
        "192.0.2.1",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",
        "2001:db8::1",
        "not-an-address",
        "",
    ],
)
def test_non_public_addresses_are_forbidden(ip):
    assert is_forbidden_address(ip)


@pytest.mark.parametrize("ip", ["8.8.8.8", "114.114.114.114", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(ip):
    assert not is_forbidden_address(ip)


# --- webhook URLs ---


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://bank.example.com/hooks/anjian", ("https", "bank.example.com", 443)),
        ("http://partner.example.cn:8080/cb", ("http", "partner.example.cn", 8080)),
        ("HTTPS://Bank.Example.COM/x", ("https", "bank.example.com", 443)),
        ("https://[2606:4700:4700::1111]/x", ("https", "2606:4700:4700::1111", 443)),
        ("https://8.8.8.8:8443/", ("https", "8.8.8.8", 8443)),
        ("https://bank.example.com./x", ("https", "bank.example.com", 443)),
        ("https://银行.中国/x", ("https", "银行.中国", 443)),
    ],
)
def test_acceptable_webhook_urls_give_scheme_host_and_port(url, expected):
    assert check_webhook_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://bank.example.com/x",
        "bank.example.com/hooks",
        "javascript:alert(1)",
        "https://user:pass@bank.example.com/x",
        "https://token@bank.example.com/x",
        "https:///x",
        "https://bank.example.com:0/x",
        "https://bank.example.com:99999/x",
        "https://[::1/x",
        "https://bank .example.com/x",
        "https://bank.example.com/x\n",
        "http://127.0.0.1/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5:8080/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://localhost/x",
        "http://api.localhost/x",
        "http://127.1/x",
        "http://2130706433/x",
        "http://0x7f.0.0.1/x",
        "http://017.0.0.1/x",
        "http://bank_-.example.com/x",
    ],
)
def test_unacceptable_webhook_urls_are_invalid_with_a_url_field_error(url):
    with pytest.raises(Invalid) as excinfo:
        check_webhook_url(url)
    assert excinfo.value.code == "invalid_webhook_url"
    assert excinfo.value.status == 422
    assert excinfo.value.errors
    assert {e["field"] for e in excinfo.value.errors} == {"url"}


def test_credentials_and_a_bad_scheme_are_reported_together():
    with pytest.raises(Invalid) as excinfo:
        check_webhook_url("ftp://user:pw@bank.example.com/x")
    assert len(excinfo.value.errors) == 2


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/x", "http://localhost/x", "http://10.0.0.5/x"])
def test_private_hosts_pass_only_when_the_deployment_allows_them(url):
    with pytest.raises(Invalid):
        check_webhook_url(url)
    assert check_webhook_url(url, allow_private=True)[0] == "http"


def test_allowing_private_hosts_still_refuses_malformed_urls():
    with pytest.raises(Invalid):
        check_webhook_url("ftp://127.0.0.1/x", allow_private=True)


def test_the_verification_snippet_of_the_partner_guide_accepts_our_signature_and_nothing_else():
    """docs/partners.md shows partners how to verify a delivery; run that very code against ours."""
    import re
    import time
    from pathlib import Path

    from services.incentives.domain import webhooks

    guide = (Path(__file__).resolve().parents[3] / "docs" / "partners.md").read_text(encoding="utf-8")
    [snippet] = [b for b in re.findall(r"```python\n(.*?)```", guide, re.S) if "def verify(" in b]
    scope: dict = {}
    exec(compile(snippet, "docs/partners.md", "exec"), scope)
    verify = scope["verify"]

    secret = webhooks.generate_secret()
    body = '{"specversion":"1.0","id":"e-1","data":{"uscc":"91330502P5DAPXH247","名称":"湖州"}}'.encode()
    now = int(time.time())
    headers = webhooks.signed_headers(secret, "e-1", now, body)
    assert verify(secret, headers, body)
    assert not verify(secret, headers, body + b" ")  # a changed body
    assert not verify(webhooks.generate_secret(), headers, body)  # another secret
    old = webhooks.signed_headers(secret, "e-1", now - 3600, body)
    assert not verify(secret, old, body)  # a replay an hour later
    rotated = dict(headers, **{"webhook-signature": "v1,bm90LXRoaXMtb25l " + headers["webhook-signature"]})
    assert verify(secret, rotated, body)  # several signatures: one matches
