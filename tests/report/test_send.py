"""`goalspec digest --send`: a real SMTP server (aiosmtpd, STARTTLS and login) and a real HTTP server on
loopback receive the digest; failures are per channel and never show a secret."""

import email
import email.policy
import json
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from click.testing import CliRunner

from goalspec.cli import main

aiosmtpd = pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult  # noqa: E402

PASSWORD = "s3cret-pa55word"
HOOK_TOKEN = "T000/B000/XXXXSECRETXXXX"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return crt, key


class Mailbox:
    def __init__(self):
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.ssl is not None))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((mechanism, auth_data.login))
        ok = auth_data.login == b"digest" and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


@pytest.fixture
def smtp(cert):
    crt, key = cert
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(crt, key)
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True,
                            authenticator=box.authenticate, auth_require_tls=True, auth_exclude_mechanism=["CRAM-MD5", "LOGIN"])
    controller.start()
    yield controller.port, box
    controller.stop()


@pytest.fixture
def hook():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body))
            status = 404 if self.path.endswith("/gone") else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def configure(specs, smtp_port: int) -> None:
    org = specs / "goalspec.yaml"
    org.write_text(org.read_text() + f"""digest:
  since: 7d
  smtp:
    host: 127.0.0.1
    port: {smtp_port}
    from: Northwind goals <goals@example.com>
    username: digest
    password: ${{SMTP_PASSWORD}}
  channels:
    - {{id: leadership, type: slack, url: "${{SLACK_HOOK}}"}}
    - {{id: all-hands, type: email, to: [ceo@example.com, all@example.com]}}
    - {{id: marketing-feed, type: webhook, url: "${{MARKETING_HOOK}}", team: marketing}}
""")


def send(specs, *extra):
    return CliRunner().invoke(main, ["digest", str(specs), "--today", "2026-12-01", "--send", *extra])


def test_every_channel_receives_the_digest(specs, smtp, hook, cert, monkeypatch):
    port, box = smtp
    base, received = hook
    configure(specs, port)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # the client trusts the test server's certificate
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SLACK_HOOK", f"{base}/services/{HOOK_TOKEN}")
    monkeypatch.setenv("MARKETING_HOOK", f"{base}/marketing")
    out = send(specs)
    assert out.exit_code == 0, out.output
    assert PASSWORD not in out.output and HOOK_TOKEN not in out.output
    assert "sent to `leadership` (slack, the webhook in ${SLACK_HOOK})" in out.output

    [(sender, rcpts, content, tls)] = box.messages
    assert tls and box.logins == [("PLAIN", b"digest")]
    assert sender == "goals@example.com" and rcpts == ["ceo@example.com", "all@example.com"]
    msg = email.message_from_bytes(content, policy=email.policy.default)
    assert msg["Subject"] == "Northwind Seats goals: week to 2026-12-01"
    assert msg.get_content_type() == "multipart/alternative"
    text, html = msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()
    assert "827 of 1,222 seats" in text and "827 of 1,222 seats" in html and html.startswith("<!DOCTYPE html>")

    slack, webhook = received
    assert slack[0] == f"/services/{HOOK_TOKEN}" and slack[1].startswith("application/json")
    blocks = json.loads(slack[2])["blocks"]
    assert blocks[0]["type"] == "header" and len(blocks) <= 50
    assert webhook[0] == "/marketing"
    doc = json.loads(webhook[2])
    assert doc["team"] == "marketing" and {g["team"] for g in doc["goals"]} == {"marketing"}


def test_failures_are_per_channel_and_hide_secrets(specs, smtp, hook, cert, monkeypatch):
    port, box = smtp
    base, received = hook
    configure(specs, port)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    monkeypatch.setenv("SMTP_PASSWORD", "wrong-" + PASSWORD)
    monkeypatch.setenv("SLACK_HOOK", f"{base}/services/{HOOK_TOKEN}/gone")
    monkeypatch.delenv("MARKETING_HOOK", raising=False)
    out = send(specs)
    assert out.exit_code == 1
    lines = out.output.splitlines()
    assert f"goalspec: channel `leadership` (slack): not sent: the webhook answered HTTP 404 Not Found" in lines
    assert f"goalspec: channel `all-hands` (email): not sent: 127.0.0.1:{port} refused the login (535)" in lines
    assert "goalspec: channel `marketing-feed` (webhook): not sent: the environment variable MARKETING_HOOK is not set" \
        in lines
    assert PASSWORD not in out.output and HOOK_TOKEN not in out.output
    assert box.messages == []


def test_unreachable_and_untrusted_servers(specs, smtp, cert, monkeypatch):
    port, _ = smtp
    configure(specs, port)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SLACK_HOOK", f"http://127.0.0.1:{free_port()}/services/{HOOK_TOKEN}")
    monkeypatch.setenv("MARKETING_HOOK", "ftp://example.com/x")
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent")  # the server's certificate is not trusted
    out = send(specs)
    assert out.exit_code == 1
    assert "goalspec: channel `leadership` (slack): not sent: the webhook could not be reached:" in out.output
    assert f"goalspec: channel `all-hands` (email): not sent: 127.0.0.1:{port}: TLS failed:" in out.output
    assert "not sent: the webhook's URL is not an http(s) address" in out.output
    assert HOOK_TOKEN not in out.output


def test_dry_run_says_what_would_go_to_whom(specs, monkeypatch):
    configure(specs, 2525)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SLACK_HOOK", f"https://hooks.slack.com/services/{HOOK_TOKEN}")
    out = send(specs, "--dry-run")
    assert out.exit_code == 0, out.output
    assert "would send to `leadership` (Slack webhook ${SLACK_HOOK}):" in out.output
    assert ("would send to `all-hands` (e-mail via 127.0.0.1:2525 as digest) to ceo@example.com, all@example.com, "
            "from Northwind goals <goals@example.com>: subject \"Northwind Seats goals: week to 2026-12-01\"") in out.output
    assert "audience: team marketing" in out.output
    assert PASSWORD not in out.output and HOOK_TOKEN not in out.output


def test_settings_problems(specs):
    out = send(specs)
    assert out.exit_code == 1 and "has no `digest:` with `channels`" in out.output
    org = specs / "goalspec.yaml"
    org.write_text(org.read_text() + "digest:\n  channels:\n    - {id: x, type: slack, url: 'https://hooks.slack.com/T/B/C'}\n")
    check = CliRunner().invoke(main, ["check", str(specs), "--today", "2026-12-01"])
    assert check.exit_code == 1 and "GS003" in check.output  # a webhook URL written in the spec is refused
    out = CliRunner().invoke(main, ["digest", str(specs), "--dry-run"])
    assert out.exit_code == 2 and "--dry-run goes with --send" in out.output


def test_the_scheduled_workflow_runs_real_commands_with_the_documented_secrets():
    import re

    import yaml

    from paths import ROOT

    workflow = yaml.safe_load((ROOT / "examples" / "weekly-digest.yml").read_text())
    on = workflow.get("on", workflow.get(True))
    assert on["schedule"] == [{"cron": "0 7 * * 1"}]
    [job] = workflow["jobs"].values()
    runs = [step for step in job["steps"] if "run" in step and step["run"].startswith("goalspec ")]
    assert [step["run"] for step in runs] == ["goalspec digest specs --send", "goalspec due specs"]
    assert {step["run"].split()[1] for step in runs} <= set(main.commands)
    # The secrets the workflow hands over are the ${VAR}s docs/digest.md's settings read.
    env = runs[0]["env"]
    assert all(value == f"${{{{ secrets.{name} }}}}" for name, value in env.items())
    documented = set(re.findall(r"\$\{([A-Z_]+)\}", (ROOT / "docs" / "digest.md").read_text()))
    assert set(env) <= documented
