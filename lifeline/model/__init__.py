"""The model: questions answered from the store (deliveries, population, coverage, access, scenarios)."""
