import io

from accounts.sms import SmsMessage, get_backend, send_sms
from accounts.sms.backends import locmem


def test_send_sms_uses_the_configured_backend(settings):
    settings.SMS_BACKEND = "accounts.sms.backends.locmem.SmsBackend"
    locmem.outbox.clear()
    assert send_sms("+919876543210", "Your code is 123456") == 1
    assert locmem.outbox == [SmsMessage(to="+919876543210", body="Your code is 123456")]


def test_file_backend_writes_one_private_file_per_message(tmp_path):
    backend = get_backend("accounts.sms.backends.filebased.SmsBackend", file_path=str(tmp_path))
    backend.send_messages([SmsMessage("+1", "one"), SmsMessage("+2", "two")])
    files = sorted(tmp_path.iterdir())
    assert len(files) == 2
    assert {f.read_text().splitlines()[0] for f in files} == {"To: +1", "To: +2"}
    assert all(f.stat().st_mode & 0o077 == 0 for f in files)


def test_console_backend_writes_to_its_stream():
    stream = io.StringIO()
    get_backend("accounts.sms.backends.console.SmsBackend", stream=stream).send_messages(
        [SmsMessage("+919876543210", "hello")]
    )
    assert "SMS to +919876543210" in stream.getvalue()
