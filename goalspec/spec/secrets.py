"""What a spec may hold that no output may show: passwords written into database URLs.

Every message, report and page that names a URL shows ``redact(url)``; messages
from database drivers go through ``scrub()``. This lives in the lowest stage so
that every stage that shows a spec's fields (data, vcs, report, site) can use it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_PASSWORD = re.compile(r"^(?P<head>[\w+]+://[^:/@]*:)(?P<secret>[^@]*(?:@[^@/]*(?=@))*)@")
_SECRET_PARAM = re.compile(r"(?P<head>[?&][^=&]*(?:password|passwd|pwd|secret|token)[^=&]*=)(?P<secret>[^&]*)",
                           re.IGNORECASE)
_ONLY_VARS = re.compile(r"^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\})+$")



def redact(url: str) -> str:
    """The URL as every message, report and page shows it: a password written in it becomes `***`.

    A password given as `${VAR}` is shown as written: it says where the secret comes from,
    and is not the secret.
    """
    def hide(m: re.Match) -> str:
        secret = m.group("secret")
        return m.group("head") + (secret if not secret or _ONLY_VARS.match(secret) else "***")

    head = _PASSWORD.sub(lambda m: hide(m) + "@", url, count=1)
    return _SECRET_PARAM.sub(hide, head)


def _secrets(url: str) -> set[str]:
    found = set()
    for pattern in (_PASSWORD, _SECRET_PARAM):
        for m in pattern.finditer(url):
            secret = m.group("secret")
            if secret and not _ONLY_VARS.match(secret):
                found.update({secret, unquote(secret)})
    return {s for s in found if len(s) > 2}  # hiding "a" everywhere would garble the message, not protect it


def scrub(text: str, *urls: str) -> str:
    """A message from a driver, with every password of the URLs it was given hidden."""
    for url in urls:
        text = text.replace(url, redact(url))
        for secret in sorted(_secrets(url), key=len, reverse=True):
            text = text.replace(secret, "***")
    return text
