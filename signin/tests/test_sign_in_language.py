"""The sign-in page speaks the visitor's language: the browser's Accept-Language among the
languages Tandem ships, or the Español / English switch, kept in a cookie, never the address.
Staff pages stay English."""

from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD

LOGIN = "/accounts/login/"
SPANISH_BROWSER = "es-MX,es;q=0.9,en;q=0.8"


def test_a_spanish_browser_gets_the_sign_in_page_in_spanish(client):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=SPANISH_BROWSER)
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert "<h1>Entrar a Tandem</h1>" in body
    assert "Contraseña" in body
    assert 'name="language" value="en-us" lang="en-us">English</button>' in body
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]


def test_a_language_tandem_does_not_ship_reads_english(client):
    body = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="fr-FR,de;q=0.8").content.decode()
    assert "<h1>Sign in to Tandem</h1>" in body
    assert 'name="language" value="es" lang="es">Español</button>' in body


def test_the_switch_keeps_the_choice_in_a_cookie_not_the_address(client):
    response = client.post(reverse("accounts:language"), {"language": "es"})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    body = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "<h1>Entrar a Tandem</h1>" in body
    client.post(reverse("accounts:language"), {"language": "en-us"})
    assert "<h1>Sign in to Tandem</h1>" in client.get(LOGIN).content.decode()


def test_the_switch_refuses_a_language_tandem_does_not_ship(client):
    response = client.post(reverse("accounts:language"), {"language": "fr"})
    assert response.status_code == 400
    assert "Choose English or Español." in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert client.get(reverse("accounts:language")).status_code == 405


def test_a_wrong_password_is_said_in_the_page_s_language(client, world):
    response = client.post(
        LOGIN, {"username": "therapist", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400
    assert "El nombre de usuario o la contraseña no son correctos." in response.content.decode()


def test_staff_pages_stay_english_after_a_spanish_sign_in(client, world):
    client.post(reverse("accounts:language"), {"language": "es"})
    client.post(
        LOGIN,
        {"username": world.therapist.username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=SPANISH_BROWSER,
    )
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=SPANISH_BROWSER).content.decode()
    assert '<html lang="en-us">' in body


def test_a_link_that_no_longer_works_speaks_the_browser_s_language_first(client, db):
    body = client.get("/l/not-a-token/", HTTP_ACCEPT_LANGUAGE=SPANISH_BROWSER).content.decode()
    assert '<html lang="es">' in body
    assert body.index("Este enlace ya no funciona") < body.index("This link does not work any more")
