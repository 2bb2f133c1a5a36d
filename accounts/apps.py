from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts.models import Role
        from participants.access import organizations_of, roles_in
        from tandem.navigation import NavItem, register

        def is_director(user) -> bool:
            return any(Role.DIRECTOR in roles_in(user, org) for org in organizations_of(user))

        register(NavItem("Staff", "accounts:staff", is_director, order=90))
