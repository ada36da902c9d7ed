from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Members, policy profiles and department accounts"

    def ready(self) -> None:
        from .roles import ensure_roles

        # After every migrate (and every test-database flush), the role groups exist.
        post_migrate.connect(ensure_roles, dispatch_uid="accounts.ensure_roles")
