import os
from importlib import import_module

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (settings are ready only after the line above)

if not (settings.SECRET_KEY_CONFIGURED or settings.DEBUG or settings.TANDEM_DEMO):
    raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE) before serving Tandem.")
if not settings.AUDIT_KEY:
    raise ImproperlyConfigured("Set AUDIT_KEY_FILE (or AUDIT_KEY) before serving Tandem.")

# Import every view and build the JSON API's schemas now, while the server starts, instead of
# in the first request each worker serves: that request waited about a quarter of a second.
import_module(settings.ROOT_URLCONF)
