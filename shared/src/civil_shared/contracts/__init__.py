"""Models one service returns on ``/internal/v1`` and another reads."""
