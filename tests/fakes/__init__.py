"""Fake platforms at the transport layer (httpx.MockTransport handlers) for adapter tests."""
