"""Early warning: rules over the store raise alerts with stable keys; an outbox delivers them."""
