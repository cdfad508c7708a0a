"""Transactional outbox: queued work is a database row first, a broker message second."""
