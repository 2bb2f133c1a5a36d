from django.apps import AppConfig


class SigninConfig(AppConfig):
    """Sign-in, two-factor and the staff page: the writes about accounts, each audited.

    The accounts app keeps the people, organizations and roles, below the audit trail and
    the access policy; these pages and services use both, so they sit above them. The URL
    names keep the `accounts:` namespace.
    """

    name = "signin"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from participants.access import page_rule, register_page
        from signin.middleware import start_idle_clock
        from tandem.navigation import ITEMS, SETTINGS, NavItem

        user_logged_in.connect(start_idle_clock, dispatch_uid="signin.idle_clock")

        register_page("accounts:staff", page_rule("staff.manage"))
        ITEMS.register(NavItem("Staff", "accounts:staff", order=90, menu=SETTINGS))
