"""The type identifiers prov signs under (stdlib only: the light verification path reads them)."""

PAYLOAD_TYPE = "application/vnd.in-toto+json"  # DSSE payloadType of cards and export records
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://prov-cards.dev/model-card/v1"
