"""The signed-in user reaches views as the user itself, not the lazy wrapper around it."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from signin.middleware import ResolvedUserMiddleware


def _seen_by_view(user_loader) -> object:
    seen: list[object] = []

    def view(request):
        seen.append(request.user)
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(user_loader)  # type: ignore[assignment]
    ResolvedUserMiddleware(view)(request)
    return seen[0]


def test_a_signed_in_staff_member_is_handed_on_as_their_user(world):
    seen = _seen_by_view(lambda: User.objects.get(pk=world.therapist.pk))
    assert type(seen) is User
    assert seen.pk == world.therapist.pk


def test_nobody_signed_in_is_handed_on_as_the_anonymous_user(db):
    seen = _seen_by_view(AnonymousUser)
    assert type(seen) is AnonymousUser
    assert not seen.is_authenticated


def test_a_user_wrapped_twice_is_unwrapped_twice(world):
    inner = SimpleLazyObject(lambda: User.objects.get(pk=world.therapist.pk))
    seen = _seen_by_view(lambda: inner)
    assert type(seen) is User


def test_pages_see_the_signed_in_user_itself(client, world):
    client.force_login(world.therapist)
    response = client.get("/")
    assert response.status_code == 200
    assert type(response.wsgi_request.user) is User
