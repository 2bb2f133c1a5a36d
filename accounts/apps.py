from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from participants.access import page_rule, register_page
        from tandem.navigation import NavItem, register

        register_page("accounts:staff", page_rule("staff.manage"))
        register(NavItem("Staff", "accounts:staff", order=90))
