"""Compliance: rule packs, activity records, the due-date engine, reminders, calendar feed, mail."""
