"""Add newly marked strings to each translation catalogue, untranslated, keeping the rest.

Run after marking strings for translation; then translate what it lists and compile the
catalogue (docs/languages.md). The entries kept by hand, which makemessages cannot find,
stay as they are.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import to_locale

from tandem.catalogue import CatalogueError, add_new_strings, marked_strings


def catalogues() -> list[tuple[str, Path]]:
    """Each language Tandem ships that has a catalogue (English, the source, has none), by
    its locale name."""
    folder = Path(settings.LOCALE_PATHS[0])
    found = []
    for code, _name in settings.LANGUAGES:
        path = folder / to_locale(code) / "LC_MESSAGES" / "django.po"
        if path.exists():
            found.append((to_locale(code), path))
    return found


def _shown(path: Path) -> str:
    base = Path(settings.BASE_DIR)
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)


class Command(BaseCommand):
    help = (
        "Add the strings marked for translation that a catalogue does not hold yet, with an "
        "empty translation, at its end. Every entry already in it, its translation and its "
        "place stay as they are, the ones kept by hand included."
    )

    def handle(self, *args, **options) -> None:
        found = catalogues()
        if not found:
            raise CommandError(f"No catalogue under {settings.LOCALE_PATHS[0]}.")
        marked = marked_strings(Path(settings.BASE_DIR), found[0][0])
        for _locale, path in found:
            try:
                new = add_new_strings(path, marked)
            except CatalogueError as exc:
                raise CommandError(f"{_shown(path)}: {exc}") from exc
            if not new:
                self.stdout.write(f"{_shown(path)}: nothing new.")
                continue
            self.stdout.write(f"{_shown(path)}: added {len(new)} to translate:")
            for entry in new:
                context = f" (context {entry.context!r})" if entry.context is not None else ""
                self.stdout.write(f"  {entry.msgid!r}{context}")
