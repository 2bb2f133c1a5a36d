from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts.models import Role
        from participants.access import register_page, staff_roles
        from tandem.navigation import NavItem, register

        def is_director(user) -> bool:
            return Role.DIRECTOR in staff_roles(user)

        register_page("accounts:staff", is_director)
        register(NavItem("Staff", "accounts:staff", order=90))
