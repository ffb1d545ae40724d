"""Credentials never reach output: mask the user:password part and secret query parameters of any URI."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/@\s'\"]+)@")
_SECRET_PARAM = re.compile(
    r"(?i)(?P<key>[?&;](?:password|passwd|pwd|token|access_token|secret|api_key|apikey|key|"
    r"sig|signature|x-amz-signature|x-amz-credential|sas)=)(?P<value>[^&\s'\"),;]+)"
)


def mask_secrets(text: str) -> str:
    """`http://user:pw@host/x?token=abc` -> `http://***@host/x?token=***`, wherever it appears in `text`."""
    text = _USERINFO.sub(lambda m: f"{m['scheme']}***@", str(text))
    return _SECRET_PARAM.sub(lambda m: f"{m['key']}***", text)


mask_uri = mask_secrets
