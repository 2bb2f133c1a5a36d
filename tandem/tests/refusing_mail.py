"""An e-mail backend for tests: a mail server that refuses every address."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

REFUSING_MAIL = f"{__name__}.RefusingMail"


class RefusingMail(BaseEmailBackend):
    """Refuses every recipient, quoting each address back as SMTP servers do."""

    def send_messages(self, email_messages):
        refused = {to: (550, b"5.1.1 mailbox unavailable") for m in email_messages for to in m.to}
        raise smtplib.SMTPRecipientsRefused(refused)
