"""Charity (慈善): donations received and charity projects."""
