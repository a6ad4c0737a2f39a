"""Typed clients of the services' internal APIs, built on civil_shared.runtime.internal."""
