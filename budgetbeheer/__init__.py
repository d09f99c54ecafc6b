"""budgetbeheer: financieel ontzorgen for newly housed refugee households on bijstand."""

__version__ = "0.1.0"
