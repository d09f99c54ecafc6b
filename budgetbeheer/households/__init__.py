"""Households in ontzorgen: intake, persons, creditors, fixed costs, income, balance and forecast."""
