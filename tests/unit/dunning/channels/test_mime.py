import email
import email.policy

from services.dunning.channels import Attachment, OutgoingMessage
from services.dunning.channels.mime import build_email, encode_header


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def message(**overrides) -> OutgoingMessage:
    fields = dict(channel="email", to="wang@xingchen.example", subject="催款函：人民币13,145.60元" * 4,
                  text="王经理，您好：\n请付款。", html="<p>王经理，您好：</p>", language="zh-CN", reference="act-1")
    fields.update(overrides)
    return OutgoingMessage(**fields)


def test_parses_back_with_the_standard_library():
    raw = build_email(message(), "华东机械 <ar@huadong.example>")
    parsed = parse(raw)
    assert parsed["Subject"] == "催款函：人民币13,145.60元" * 4
    assert parsed["From"].addresses[0].display_name == "华东机械"
    assert parsed["From"].addresses[0].addr_spec == "ar@huadong.example"
    assert parsed["Message-ID"].endswith("@huadong.example>")
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(("plain",)).get_content() == "王经理，您好：\n请付款。"
    assert parsed.get_body(("html",)).get_content() == "<p>王经理，您好：</p>"
    assert not parsed.defects


def test_lines_are_short_and_crlf():
    raw = build_email(message(attachments=(Attachment("催款函.pdf", b"%PDF-" + bytes(range(256)) * 50),)), "a@b.cn")
    lines = raw.split(b"\r\n")
    # 78 is SMTP's advice (a long attachment name may pass it), 998 its limit
    assert all(len(line) <= 78 for line in lines if not line.startswith(b"Content-Disposition"))
    assert all(len(line) <= 998 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_attachment_with_a_chinese_filename():
    pdf = b"%PDF-1.4 fake"
    parsed = parse(build_email(message(attachments=(Attachment("催款函-act-1.pdf", pdf),)), "a@b.cn"))
    assert parsed.get_content_type() == "multipart/mixed"
    [part] = list(parsed.iter_attachments())
    assert part.get_filename() == "催款函-act-1.pdf" and part.get_content() == pdf
    assert parsed.get_body(("html",)).get_content() == "<p>王经理，您好：</p>"


def test_text_only_message():
    parsed = parse(build_email(message(html=None), "a@b.cn"))
    assert parsed.get_body(("html",)) is None
    assert parsed.get_body(("plain",)).get_content().startswith("王经理")


def test_header_never_carries_a_line_break():
    assert "\n" not in encode_header("a\r\nBcc: x@y")
    assert encode_header("plain ascii") == "plain ascii"


def test_swapped_attachment_fields_fail_at_once():
    import pytest
    with pytest.raises(TypeError):
        Attachment("a.pdf", "application/pdf", b"%PDF")  # type: ignore[arg-type]


def test_only_plain_addresses_are_sent():
    from services.dunning.channels.email import ADDRESS
    for good in ("wang@xingchen.example", "a.b+tag@mail-1.example.cn"):
        assert ADDRESS.fullmatch(good)
    for bad in ("", "no-at", "a@b.cn\r\nBcc: x@y.cn", "王@例子.cn", "a b@c.cn", "<a@b.cn>", "a@b.cn>", "a@"):
        assert not ADDRESS.fullmatch(bad), bad
