"""Territories a manifest or a recipient may name: ISO 3166-1 alpha-2 country codes, and EU / EEA.

A territory restriction is only as good as the codes it is checked against: ``XX`` or ``UK`` would
otherwise be accepted and then never match anything, so an agreement limited to ``[XX]`` silently
forbids everything and ``--territory XX`` silently passes as "some country". The table is data, not
code: the 249 officially assigned codes (ISO 3166-1, as pycountry 26.2.16 lists them; a test compares
the two). Kept here rather than depending on pycountry, whose wheel carries megabytes of translations
that the core does not need.
"""

from __future__ import annotations

ISO_3166_ALPHA_2 = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
    """.split()
)

# The member states, so that restrictions naming a group can be intersected with single countries.
EU_COUNTRIES = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())
EEA_COUNTRIES = EU_COUNTRIES | {"IS", "LI", "NO"}
TERRITORY_GROUPS = {"EU": EU_COUNTRIES, "EEA": EEA_COUNTRIES}

# Codes people write that ISO reserves for other uses; naming the right one is the useful answer.
_COMMON_MISTAKES = {"UK": "GB", "EL": "GR", "EN": "GB"}


def check_territory(value: str) -> str:
    """The normalised code, or ValueError with a sentence naming what was wrong and what to write."""
    # ASCII first: Unicode case mapping turns "ﬁ" into "FI" and "ſe" into "SE".
    code = value.strip().upper() if value.isascii() else ""
    if code in TERRITORY_GROUPS or code in ISO_3166_ALPHA_2:
        return code
    if code in _COMMON_MISTAKES:
        raise ValueError(f"{value!r} is not an ISO 3166 country code; write {_COMMON_MISTAKES[code]}")
    raise ValueError(f"{value!r} is not an ISO 3166 alpha-2 country code (e.g. DE, US) or EU/EEA")
