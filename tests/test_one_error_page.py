"""Every error page goes through `tandem.views.error_page`, so they all say what happened in
the same safe way and none of them can start echoing the request or a participant's data."""

from pathlib import Path

from django.conf import settings

SKIP = {".venv", "tests", "migrations", "node_modules"}


def test_only_the_error_page_helper_renders_the_error_template():
    root = Path(settings.BASE_DIR)
    rendering = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not SKIP & set(path.relative_to(root).parts) and '"error.html"' in path.read_text()
    )
    assert rendering == ["tandem/views.py"]
