"""Voice notes and photos given as answers: kept beside the database, read back, shown to organisers."""
