"""What a case is about elsewhere: a programme (an elevator application, later a policy
application or an inspection) that a case points at tells the case page so here. `cases` imports
no programme; each registers a provider in its AppConfig.ready(), and the staff case page lists
what the providers return for the case and the user looking at it.

A provider is `provider(case, user) -> list[dict]`, each dict a linked record as the page shows
it: `title` (what it is, with its number), `url` (its staff page, or "" when this user may not
open it or the page does not exist), `lines` (its state in a few short lines)."""

from collections.abc import Callable

Provider = Callable[[object, object], list[dict]]

_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider once (ready() may run twice)."""
    if provider not in _providers:
        _providers.append(provider)


def links_for(case, user) -> list[dict]:
    """Every linked record of `case` from every provider, in the providers' order."""
    found: list[dict] = []
    for provider in _providers:
        found.extend(provider(case, user))
    return found
