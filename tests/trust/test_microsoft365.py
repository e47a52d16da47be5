"""trust.provider = "microsoft365": Exchange Online's Authentication-Results, which has no authserv-id."""

import pytest

from introbot.config import TrustSettings
from introbot.core.authenticity import check_microsoft365_results
from tests.conversation import ADA, SAM
from tests.service_world import Desk, as_received
from tests.trust.spoofs import request

EXO_PASS = ("spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=clinic.example; dkim=pass (signature was verified) "
            "header.d=clinic.example;dmarc=pass action=none header.from=clinic.example;compauth=pass reason=100")
EXO_FAIL = ("spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=clinic.example; dkim=none (message not signed) "
            "header.d=none;dmarc=fail action=oreject header.from=clinic.example;compauth=fail reason=000")
# The shape of a real outlook.com header (tests/../corpus sisimai lhost-postfix-57.eml), with a bare server name.
EXO_OLD_SHAPE = ("spf=none (sender IP is 192.0.2.202) smtp.helo=rokujo.cr.nyaan.jp; outlook.com; dkim=none "
                 "(message not signed) header.d=none;outlook.com; dmarc=none action=none header.from=clinic.example;")


def check(results, auth_as=("Anonymous",)):
    return check_microsoft365_results(list(results), list(auth_as), "clinic.example")


def test_exchange_onlines_own_header_on_mail_from_outside_vouches():
    assert check([EXO_PASS]).authentic
    assert check([EXO_PASS.replace("dmarc=pass", "dmarc=bestguesspass")]).authentic  # dkim=pass aligned


def test_a_real_outlook_header_with_a_bare_server_name_is_read_but_vouches_for_nothing():
    verdict = check([EXO_OLD_SHAPE])
    assert not verdict.authentic and "dmarc=none" in verdict.reasons


def test_only_the_topmost_header_counts():
    assert not check([EXO_FAIL, EXO_PASS]).authentic
    assert not check([f"mx.collective.example; {EXO_PASS}"]).authentic  # not Exchange's shape
    assert not check(["mx.collective.example; dkim=pass header.d=clinic.example", EXO_PASS]).authentic


@pytest.mark.parametrize("auth_as", [(), ("Internal",), ("Anonymous", "Anonymous"), ("Anonymous", "Internal")])
def test_without_exactly_one_anonymous_auth_as_the_header_may_be_the_senders_own(auth_as):
    verdict = check([EXO_PASS], auth_as)
    assert not verdict.authentic and "X-MS-Exchange-Organization-AuthAs" in verdict.reasons[0]


def test_no_header_or_garbage_never_vouches():
    assert not check([]).authentic
    assert not check(["dkim=pass header.d=clinic.example (unclosed"]).authentic


def test_the_service_trusts_exchange_online_only_as_configured(tmp_path):
    with Desk(tmp_path, TrustSettings(provider="microsoft365")) as desk:
        stamped = as_received(request(SAM), f"Authentication-Results: {EXO_PASS}\r\n".encode())
        desk.receive(stamped.replace(b"\r\n\r\n", b"\r\nX-MS-Exchange-Organization-AuthAs: Anonymous\r\n\r\n", 1))
        desk.receive(as_received(request(("Kim", "kim@client.example")), f"Authentication-Results: {EXO_PASS}\r\n".encode()))
        assert [(m.kind, m.recipients) for m in desk.mail()] == [("ask_client", (SAM[1],)),
                                                                ("confirm_request", (ADA[1],))]
