"""The governance service's declarative base, its audit table and its idempotency records."""

from sqlalchemy.orm import DeclarativeBase

from civil_shared.runtime.audit import AuditEventMixin
from civil_shared.runtime.database import TYPE_ANNOTATION_MAP, new_metadata
from civil_shared.runtime.idempotency import IdempotencyRecordMixin


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class AuditEvent(AuditEventMixin, Base):
    """Every write of this service: who, when, what, old and new values."""


class IdempotencyRecord(IdempotencyRecordMixin, Base):
    """Responses of POSTs sent with an Idempotency-Key, replayed on a repeat."""
