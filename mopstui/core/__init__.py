"""The domain: models, the Source contract and the cockpit service. Never imports Textual."""
