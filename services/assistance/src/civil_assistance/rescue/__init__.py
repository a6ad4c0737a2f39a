"""Vagrant and beggar rescue records (流浪乞讨救助)."""
