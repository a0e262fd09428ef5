"""The web layer: SPARQL Protocol endpoint, service description, VoID and the query UI."""
