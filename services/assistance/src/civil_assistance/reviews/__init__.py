"""Reviews of enrolled households and persons (动态管理复核)."""
