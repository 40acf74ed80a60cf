"""OpenAPI 3.1 description of the read-only API, kept beside the code it describes."""

from __future__ import annotations

from tracker.plan.models import Signal, Status
from tracker.plan.queries import NO_SIGNAL, SORT_KEYS
from tracker.plan.schedule import ScheduleKind

_NULLABLE_STRING = {"type": ["string", "null"]}

#: ``?plan=``: another plan of the region than the current one (404 when unknown).
_PLAN_PARAMETER = {
    "name": "plan",
    "in": "query",
    "schema": {"type": "string", "maxLength": 80},
    "description": "Korte naam van een ander plan van de regio, bijv. rotterdam-2024-2026; "
    "standaard het huidige plan.",
}

_FILTER_PARAMETERS = [
    _PLAN_PARAMETER,
    {
        "name": "thema",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1},
        "description": "Themanummer (1-5).",
    },
    {
        "name": "partij",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Partijcode als eigenaar, bijv. VAR of gemeente-rotterdam.",
    },
    {"name": "status", "in": "query", "schema": {"enum": [s.value for s in Status]}},
    {
        "name": "signaal",
        "in": "query",
        "schema": {"enum": [*(s.value for s in Signal), NO_SIGNAL]},
        "description": f"Signaal van de actie; '{NO_SIGNAL}' voor acties zonder signaal.",
    },
    {
        "name": "niet_bijgewerkt_sinds",
        "in": "query",
        "schema": {"type": "string", "format": "date"},
        "description": "Acties die sinds deze dag niet (of nooit) zijn bijgewerkt.",
    },
    {
        "name": "sorteer",
        "in": "query",
        "schema": {"enum": list(SORT_KEYS)},
        "description": "Volgorde; standaard die van het plan. Lege waarden komen achteraan.",
    },
    {"name": "richting", "in": "query", "schema": {"enum": ["op", "af"]}},
    {
        "name": "jaar",
        "in": "query",
        "schema": {"type": "integer", "minimum": 2000},
        "description": "Acties met werk gepland in dit jaar.",
    },
    {
        "name": "q",
        "in": "query",
        "schema": {"type": "string", "maxLength": 200},
        "description": "Zoektekst in actie, planning en eigenaren, of een actiecode (3.14).",
    },
]

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}

_ACTION = {
    "type": "object",
    "required": [
        "code",
        "theme",
        "number",
        "text",
        "planning",
        "schedule",
        "owners",
        "status",
        "signal",
    ],
    "properties": {
        "code": {"type": "string", "examples": ["3.14"]},
        "theme": {"type": "integer"},
        "number": {"type": "integer"},
        "text": {"type": "string"},
        "planning": {"type": "string", "description": "As written in the plan."},
        "schedule": {
            "type": "object",
            "required": ["kind", "times_per_year", "season", "due"],
            "properties": {
                "kind": {"enum": [k.value for k in ScheduleKind]},
                "times_per_year": {"type": ["integer", "null"]},
                "season": {"enum": ["spring", "summer", "autumn", "winter", None]},
                "starts": {**_NULLABLE_STRING, "format": "date"},
                "due": {**_NULLABLE_STRING, "format": "date"},
            },
        },
        "owners_text": {"type": "string", "description": "The plan's 'Wie' as written."},
        "owners": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["party", "name", "role", "lead"],
                "properties": {
                    "party": {**_NULLABLE_STRING, "description": "Null for free-text owners."},
                    "name": {"type": "string"},
                    "role": _NULLABLE_STRING,
                    "lead": {"type": "boolean"},
                },
            },
        },
        "per_municipality": {"type": "boolean"},
        "status": {"enum": [s.value for s in Status]},
        "signal": {"enum": ["op_koers", "aandacht", "achterstand", None]},
        "last_update_at": {**_NULLABLE_STRING, "format": "date-time"},
    },
}

_THEME = {
    "type": "object",
    "required": ["number", "title", "introduction", "action_count"],
    "properties": {
        "number": {"type": "integer"},
        "title": {"type": "string"},
        "introduction": {"type": "string"},
        "action_count": {"type": "integer"},
    },
}


_INDICATOR = {
    "type": "object",
    "required": ["code", "name", "source", "area", "unit", "actions", "values"],
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "source": {"type": "string", "description": "Organisatie waar het cijfer vandaan komt."},
        "theme": {"type": ["integer", "null"], "description": "Thema van het plan."},
        "area": {"type": "string", "description": "'Regio' (de 23 gemeenten) of een gemeente."},
        "unit": {"type": "string"},
        "actions": {"type": "array", "items": {"type": "string"}},
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["year", "value", "change", "comparable", "monitor"],
                "properties": {
                    "year": {"type": "integer"},
                    "value": {"type": "integer"},
                    "change": {
                        "type": ["integer", "null"],
                        "description": "Verschil met het jaar ervoor; null als dat er niet "
                        "is of niet vergelijkbaar is.",
                    },
                    "comparable": {"type": "boolean"},
                    "monitor": {"type": "string"},
                    "section": {"type": "string"},
                    "caveat": {"type": "string"},
                },
            },
        },
    },
}


_MOMENT = {"type": ["string", "null"], "format": "date-time"}
_CODES = {"type": "array", "items": {"type": "string"}}
_OUTCOME = {
    "type": "object",
    "required": ["text", "actions"],
    "properties": {
        "text": {"type": "string"},
        "actions": _CODES,
        "party": _NULLABLE_STRING,
        "due": {"type": ["string", "null"], "format": "date"},
        "done_at": _MOMENT,
    },
}
_MEETING = {
    "type": "object",
    "required": ["id", "series", "starts_at", "ends_at", "location", "state"],
    "properties": {
        "id": {"type": "integer"},
        "series": {
            "type": "object",
            "required": ["code", "name"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        },
        "action": _NULLABLE_STRING,
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "location": {"type": "string"},
        "state": {"enum": ["gepland", "gehouden", "geannuleerd"]},
        "agenda_published_at": _MOMENT,
        "agenda": {
            "type": "array",
            "description": "Alleen als de agenda is gepubliceerd (een beheerder ziet ook het "
            "concept).",
            "items": {
                "type": "object",
                "required": ["position", "title", "actions"],
                "properties": {
                    "position": {"type": "integer"},
                    "title": {"type": "string"},
                    "actions": _CODES,
                    "theme": {"type": ["integer", "null"]},
                    "presenter": _NULLABLE_STRING,
                    "minutes": {"type": ["integer", "null"]},
                },
            },
        },
        "decisions": {"type": "array", "items": _OUTCOME},
        "follow_ups": {"type": "array", "items": _OUTCOME},
    },
}


def _list_of(key: str, schema_ref: str) -> dict:
    """A 200 response holding ``count`` and a list of ``schema_ref`` under ``key``."""
    return {
        "description": "OK",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["count", key],
                    "properties": {
                        "count": {"type": "integer"},
                        key: {
                            "type": "array",
                            "items": {"$ref": f"#/components/schemas/{schema_ref}"},
                        },
                    },
                }
            }
        },
    }


_PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
        "description": "Pagina (1 = de eerste).",
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
        "description": "Acties per pagina.",
    },
]


def _page_of(key: str, schema_ref: str) -> dict:
    """A page of a list: ``count`` is the total over all pages, ``links`` the neighbours."""
    response = _list_of(key, schema_ref)
    schema = response["content"]["application/json"]["schema"]
    schema["required"] = ["count", "page", "pages", "per_page", "links", key]
    link = {"type": "string"}
    schema["properties"] |= {
        "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "per_page": {"type": "integer"},
        "links": {
            "type": "object",
            "required": ["self"],
            "properties": {"self": link, "next": link, "prev": link},
        },
    }
    return response


def _json(schema_ref: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}


def openapi_document() -> dict:
    errors = {
        "400": {"description": "Ongeldige filter", "content": _json("Error")},
        "404": {"description": "Niet gevonden", "content": _json("Error")},
        "503": {"description": "Nog geen plan geladen", "content": _json("Error")},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Actieplan Mensenhandel tracker API",
            "version": "1.0.0",
            "description": "Read-only access to the current action plan, the kerncijfers and "
            "the meetings.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/themes": {
                "get": {
                    "summary": "Thema's van het huidige plan",
                    "parameters": [_PLAN_PARAMETER],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["plan", "themes"],
                                        "properties": {
                                            "plan": {"type": "object"},
                                            "themes": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Theme"},
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "503": errors["503"],
                    },
                }
            },
            "/actions": {
                "get": {
                    "summary": "Acties, te filteren zoals /acties",
                    "parameters": [*_FILTER_PARAMETERS, *_PAGE_PARAMETERS],
                    "responses": {
                        "200": _page_of("actions", "Action"),
                        "400": errors["400"],
                        "503": errors["503"],
                    },
                }
            },
            "/indicators": {
                "get": {
                    "summary": "Kerncijfers uit de monitors, met hun waarden per jaar",
                    "responses": {"200": _list_of("indicators", "Indicator")},
                }
            },
            "/meetings": {
                "get": {
                    "summary": "Vergaderingen, de oudste eerst",
                    "parameters": [
                        {
                            "name": "reeks",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "Code van een overlegvorm, bijv. regionale-tafel.",
                        }
                    ],
                    "responses": {"200": _list_of("meetings", "Meeting"), "400": errors["400"]},
                }
            },
            "/meetings/{id}": {
                "get": {
                    "summary": "Eén vergadering met agenda, besluiten en actiepunten",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {"description": "OK", "content": _json("Meeting")},
                        "404": errors["404"],
                    },
                }
            },
            "/actions/{code}": {
                "get": {
                    "summary": "Eén actie",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": r"^\d+\.\d+$"},
                        },
                        _PLAN_PARAMETER,
                    ],
                    "responses": {
                        "200": {"description": "OK", "content": _json("Action")},
                        "404": errors["404"],
                        "503": errors["503"],
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Action": _ACTION,
                "Theme": _THEME,
                "Indicator": _INDICATOR,
                "Meeting": _MEETING,
                "Error": _ERROR,
            }
        },
    }
