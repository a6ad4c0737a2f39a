"""One file per left-behind or hardship child (一人一档)."""
