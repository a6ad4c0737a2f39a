"""The year's figures for the dashboard and the annual report (统计)."""
