"""One message over an open smtplib connection, with RFC 2920 PIPELINING when the server offers it.

Plain `sendmail` waits for a reply after MAIL, RCPT, DATA and the message: four round trips per
person. With PIPELINING the three envelope commands go out together, so a message costs two round
trips; against a relay across the internet that halves the sending time. Errors are raised exactly
as `smtplib.SMTP.sendmail` raises them, so the caller's classification (4xx/5xx) is unchanged.
"""

from __future__ import annotations

import contextlib
import re
import smtplib

_LEADING_DOT = re.compile(rb"(?m)^\.")
CRLF = b"\r\n"


def _fail(smtp: smtplib.SMTP, code: int) -> None:
    # 421 means the server is closing the connection; anything else leaves a usable session to reset.
    if code == 421:
        smtp.close()
    else:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            smtp.rset()


def sendmail(smtp: smtplib.SMTP, from_addr: str, to_addr: str, msg: bytes) -> None:
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("pipelining"):
        smtp.sendmail(from_addr, [to_addr], msg)
        return
    if "\r" in from_addr + to_addr or "\n" in from_addr + to_addr:
        raise ValueError("line breaks in an address")
    size = f" SIZE={len(msg)}" if smtp.has_extn("size") else ""
    commands = f"MAIL FROM:{smtplib.quoteaddr(from_addr)}{size}\r\nRCPT TO:{smtplib.quoteaddr(to_addr)}\r\nDATA\r\n"
    smtp.send(commands)
    mail_code, mail_reply = smtp.getreply()
    rcpt_code, rcpt_reply = smtp.getreply()
    data_code, data_reply = smtp.getreply()
    refused = mail_code != 250 or rcpt_code not in (250, 251)
    if data_code == 354 and refused:
        # A lenient server opened DATA although the envelope failed: end it empty before resetting.
        smtp.send(b"." + CRLF)
        smtp.getreply()
    if mail_code != 250:
        _fail(smtp, mail_code)
        raise smtplib.SMTPSenderRefused(mail_code, mail_reply, from_addr)
    if rcpt_code not in (250, 251):
        _fail(smtp, rcpt_code)
        raise smtplib.SMTPRecipientsRefused({to_addr: (rcpt_code, rcpt_reply)})
    if data_code != 354:
        _fail(smtp, data_code)
        raise smtplib.SMTPDataError(data_code, data_reply)
    body = _LEADING_DOT.sub(b"..", msg)
    if not body.endswith(CRLF):
        body += CRLF
    smtp.send(body + b"." + CRLF)
    code, reply = smtp.getreply()
    if code != 250:
        _fail(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
