"""Database: declarative base, engine construction, triggers and the unit of work."""
