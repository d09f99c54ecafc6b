"""Domain rules: pure functions and immutable values (no database, no Flask).

The period, the payment schedule, the payment-run rules (planning), the forecast, the TARGET2
calendar, payment references and the EPC rulebook checks. Every feature may use them; they
import only core modules (money, errors, fields, clock)."""
