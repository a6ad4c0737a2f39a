"""Left-behind elderly register (农村留守老人): who, where, children away, risk, visitor."""
